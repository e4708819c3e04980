/*
 * Every table of the schema with its columns, key and the kind of value each column holds, in
 * foreign-key order (a table comes after the tables it references). For tools that move whole
 * tables (db:copy): the kinds say how a stored value reads the same on both backends (the
 * conversions the repositories use), so a row read from one database is written to the other
 * in the form the repositories write, and compared in the form they hand out.
 * schema_migrations is not here: each database's own migration run writes it.
 */

/** text (JSON columns included: TEXT on both), int, real, flag (INTEGER 0/1 · BOOLEAN), instant (TEXT · TIMESTAMP). */
export type ColumnKind = "text" | "int" | "real" | "flag" | "instant";

export interface CatalogTable {
  name: string;
  /** The primary key: one column, ordered the same way by every page read. */
  key: string;
  /** A generated integer key (AUTOINCREMENT / BIGSERIAL) whose counter follows copied ids. */
  identity: boolean;
  columns: readonly (readonly [string, ColumnKind])[];
}

const t = "text";
const i = "int";
const r = "real";
const f = "flag";
const at = "instant";

export const TABLE_CATALOG: readonly CatalogTable[] = [
  {
    name: "campaigns",
    key: "id",
    identity: false,
    columns: [
      ["id", t],
      ["name", t],
      ["description", t],
      ["first_seen", t],
      ["last_seen", t],
      ["attributed_to", t],
      ["iocs", t],
      ["total_skills_affected", i],
      ["status", t],
      ["created_at", at],
      ["updated_at", at],
    ],
  },
  {
    name: "signatures",
    key: "id",
    identity: false,
    columns: [
      ["id", t],
      ["name", t],
      ["description", t],
      ["severity", t],
      ["category", t],
      ["pattern_type", t],
      ["pattern_value", t],
      ["ioc_type", t],
      ["campaign_id", t],
      ["source", t],
      ["enabled", f],
      ["created_at", at],
      ["updated_at", at],
    ],
  },
  {
    name: "publishers",
    key: "id",
    identity: false,
    columns: [
      ["id", t],
      ["display_name", t],
      ["first_seen", t],
      ["last_seen", t],
      ["total_skills", i],
      ["malicious_skills", i],
      ["reputation_score", r],
      ["is_known_threat_actor", f],
      ["campaigns", t],
      ["notes", t],
      ["created_at", at],
      ["updated_at", at],
    ],
  },
  {
    name: "scans",
    key: "id",
    identity: false,
    columns: [
      ["id", t],
      ["target", t],
      ["skill_name", t],
      ["skill_author", t],
      ["skill_sha256", t],
      ["status", t],
      ["risk_score", i],
      ["overall_severity", t],
      ["verdict", t],
      ["layers_executed", t],
      ["errors", t],
      ["started_at", t],
      ["completed_at", t],
      ["duration_ms", i],
      ["created_at", at],
    ],
  },
  {
    name: "findings",
    key: "id",
    identity: false,
    columns: [
      ["id", t],
      ["scan_id", t],
      ["rule_id", t],
      ["title", t],
      ["description", t],
      ["severity", t],
      ["confidence", r],
      ["category", t],
      ["detector_layer", t],
      ["line_start", i],
      ["line_end", i],
      ["snippet", t],
      ["evidence", t],
      ["ioc_values", t],
      ["remediation", t],
      ["detected_at", at],
    ],
  },
  {
    name: "url_analysis",
    key: "id",
    identity: false,
    columns: [
      ["id", t],
      ["scan_id", t],
      ["url", t],
      ["final_url", t],
      ["status_code", i],
      ["content_type", t],
      ["redirect_chain", t],
      ["is_malicious", f],
      ["risk_indicators", t],
      ["domain_reputation", r],
      ["fetched_at", at],
    ],
  },
  {
    name: "api_usage",
    key: "id",
    identity: true,
    columns: [
      ["id", i],
      ["api_key", t],
      ["endpoint", t],
      ["method", t],
      ["status_code", i],
      ["timestamp", at],
    ],
  },
  {
    name: "audit_log",
    key: "event_id",
    identity: false,
    columns: [
      ["event_id", t],
      ["timestamp", at],
      ["event_type", t],
      ["actor", t],
      ["resource_type", t],
      ["resource_id", t],
      ["action", t],
      ["details", t],
      ["ip_address", t],
    ],
  },
  {
    name: "api_keys",
    key: "id",
    identity: false,
    columns: [
      ["id", t],
      ["key_hash", t],
      ["name", t],
      ["role", t],
      ["created_at", at],
      ["last_used", at],
      ["is_active", f],
    ],
  },
  {
    name: "scheduled_jobs",
    key: "id",
    identity: false,
    columns: [
      ["id", t],
      ["name", t],
      ["target_path", t],
      ["schedule", t],
      ["layers", t],
      ["enabled", f],
      ["last_run", at],
      ["next_run", at],
      ["created_at", at],
    ],
  },
  {
    name: "job_runs",
    key: "id",
    identity: false,
    columns: [
      ["id", t],
      ["job_id", t],
      ["scan_id", t],
      ["status", t],
      ["verdict", t],
      ["risk_score", i],
      ["error", t],
      ["started_at", at],
      ["completed_at", at],
    ],
  },
];
