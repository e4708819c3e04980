/**
 * The longest text each bounded column takes: PostgreSQL's VARCHAR(N), the narrower of the two
 * backends (SQLite's TEXT takes anything), so both accept the same input. The repositories check
 * these; the service's request schemas are built from them.
 */
export const COLUMN_LIMITS = {
  /** Every primary or foreign key of text. */
  id: 255,
  scans: {
    skill_name: 255,
    skill_author: 255,
    skill_sha256: 64,
    /** started_at/completed_at: free-form text upstream. */
    time_text: 64,
    /**
     * PostgreSQL indexes scans.target with a B-tree, whose entries cannot exceed ~2.7 KB; a
     * longer target would fail there (and only there) deep in the insert. Bytes of UTF-8.
     */
    target_bytes: 2048,
  },
  findings: { rule_id: 255, title: 512 },
  url_analysis: { content_type: 128 },
  signatures: { name: 255, source: 64 },
  api_keys: { name: 255 },
  audit_log: { event_type: 64, actor: 128, resource_type: 64, resource_id: 255, action: 64, ip_address: 45 },
} as const;
