/**
 * The SQL the project's repositories send for each workload, spelled out once for the raw
 * contenders so they run exactly the same statements (src/repositories/scan-repository.ts,
 * scan-details.ts, backends/{sqlite,postgres}/insert-rows.ts, finding-repository.ts, api-usage-repository.ts).
 */
import { FINDING_COLUMNS } from "../../src/repositories/finding-row.ts";
import { SCAN_COLUMNS } from "../../src/repositories/scan-row.ts";
import type { FindingRow, ScanWithFindings, UsageRow } from "../fixtures.ts";

// The tables' columns as the repositories write them: one list, so raw and ours cannot drift apart.
export { FINDING_COLUMNS, SCAN_COLUMNS };

export type Dialect = "sqlite" | "postgres";

/** The layer's per-statement cap on SQLite (backends/sqlite/insert-rows.ts): 16,000 parameters, 1,000 finding rows. */
export const MULTI_ROW_PARAMS = 16_000;

/** Multi-row INSERT text with `rows` value tuples, markers numbered as the dialect wants. */
export function insertText(
  dialect: Dialect,
  table: string,
  columns: readonly string[],
  rows: number,
): string {
  let n = 0;
  const tuples: string[] = [];
  for (let r = 0; r < rows; r++) {
    const marks = columns.map(() => (dialect === "postgres" ? `$${++n}` : "?"));
    tuples.push(`(${marks.join(", ")})`);
  }
  return `INSERT INTO ${table} (${columns.join(", ")}) VALUES ${tuples.join(", ")}`;
}

/*
 * PostgreSQL's bulk route (backends/postgres/insert-rows.ts): the rows of a chunk as ONE json text parameter,
 * unpacked by json_populate_recordset; 1,000 rows per statement, two statements in flight on the
 * transaction's connection. One statement text per table, whatever the row count.
 */
export const JSON_ROWS_PER_STATEMENT = 1_000;
export const JSON_STATEMENTS_IN_FLIGHT = 2;

export function jsonInsertText(table: string, columns: readonly string[]): string {
  const list = columns.join(", ");
  return `INSERT INTO ${table} (${list}) SELECT ${list} FROM json_populate_recordset(NULL::${table}, $1::text::json)`;
}

/** The json parameter for findings[start, end): one object per row, keys in FINDING_COLUMNS order. */
export function findingsJson(
  scanId: string,
  rows: readonly FindingRow[],
  start: number,
  end: number,
  now: string,
): string {
  const objects = new Array(end - start);
  for (let r = start; r < end; r++) {
    const f = rows[r] as FindingRow;
    objects[r - start] = {
      id: f.id,
      scan_id: scanId,
      rule_id: f.rule_id,
      title: f.title,
      description: f.description,
      severity: f.severity,
      confidence: f.confidence,
      category: f.category,
      detector_layer: f.detector_layer,
      line_start: f.line_start,
      line_end: f.line_end,
      snippet: f.snippet,
      evidence: JSON.stringify(f.evidence),
      ioc_values: JSON.stringify(f.ioc_values),
      remediation: f.remediation,
      detected_at: now,
    };
  }
  return JSON.stringify(objects);
}

/*
 * The unnest form of a bulk insert (not a route the project takes; the raw and peer contenders
 * measure it): one array parameter per column, unnest()ed server-side, 16 parameters whatever the
 * row count, with the casts the column types need.
 */
const UNNEST_TYPES = [
  "text",
  "text",
  "text",
  "text",
  "text",
  "text",
  "float8",
  "text",
  "text",
  "int4",
  "int4",
  "text",
  "text",
  "text",
  "text",
  "timestamp",
] as const;

export const UNNEST_TEXT = `INSERT INTO findings (${FINDING_COLUMNS.join(", ")}) SELECT * FROM unnest(${UNNEST_TYPES.map(
  (t, k) => `$${k + 1}::${t}[]`,
).join(", ")})`;

/*
 * Rows per unnest statement. Measured here on 100,000 findings: chunks of 5,000 and 20,000 did
 * about the same, one 100,000-row statement ~25% worse.
 */
export const UNNEST_CHUNK = 5_000;

/** The unnest parameters for findings[start, end): one array per column, in FINDING_COLUMNS order. */
export function unnestColumns(
  scanId: string,
  rows: readonly FindingRow[],
  start: number,
  end: number,
  now: string,
): (string | number | null)[][] {
  const columns: (string | number | null)[][] = FINDING_COLUMNS.map(() => new Array(end - start));
  const one: (string | number | null)[] = [];
  for (let r = start; r < end; r++) {
    one.length = 0;
    pushFindingValues(one, scanId, rows[r] as FindingRow, now);
    for (let c = 0; c < one.length; c++)
      (columns[c] as (string | number | null)[])[r - start] = one[c] ?? null;
  }
  return columns;
}

/** COPY text format: backslash, tab, newline and carriage return are escaped, null is \N. */
export function copyField(v: string | number | null): string {
  if (v === null) return "\\N";
  const s = String(v);
  return /[\\\t\n\r]/.test(s)
    ? s.replace(/\\/g, "\\\\").replace(/\t/g, "\\t").replace(/\n/g, "\\n").replace(/\r/g, "\\r")
    : s;
}

/** findings as COPY text-format lines, in pieces of about 1 MiB. */
export function* copyChunks(scanId: string, rows: readonly FindingRow[], now: string): Generator<string> {
  const one: (string | number | null)[] = [];
  let buffer = "";
  for (const f of rows) {
    one.length = 0;
    pushFindingValues(one, scanId, f, now);
    buffer += `${one.map(copyField).join("\t")}\n`;
    if (buffer.length >= 1 << 20) {
      yield buffer;
      buffer = "";
    }
  }
  if (buffer.length > 0) yield buffer;
}

const SEVERITY_RANK =
  "CASE severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 WHEN 'low' THEN 3 WHEN 'info' THEN 4 ELSE 5 END";

function byteOrder(dialect: Dialect): string {
  return dialect === "postgres" ? 'COLLATE "C"' : "COLLATE BINARY";
}

function mark(dialect: Dialect, n: number): string {
  return dialect === "postgres" ? `$${n}` : "?";
}

export function readStatements(dialect: Dialect) {
  return {
    scanById: `SELECT * FROM scans WHERE id = ${mark(dialect, 1)}`,
    findingsOfScan: `SELECT * FROM findings WHERE scan_id = ${mark(dialect, 1)} ORDER BY ${SEVERITY_RANK}, id ${byteOrder(dialect)}`,
    urlAnalysesOfScan: `SELECT * FROM url_analysis WHERE scan_id = ${mark(dialect, 1)} ORDER BY fetched_at, id ${byteOrder(dialect)}`,
    // PostgreSQL's getScanWithDetails (scan-details.ts loadAggregated): one round trip.
    scanWithDetailsAggregated: `SELECT s.*,
      (SELECT COALESCE(json_agg(f ORDER BY ${SEVERITY_RANK}, f.id COLLATE "C"), '[]')::text
         FROM findings f WHERE f.scan_id = s.id) AS malwar_findings_json,
      (SELECT COALESCE(json_agg(u ORDER BY u.fetched_at, u.id COLLATE "C"), '[]')::text
         FROM url_analysis u WHERE u.scan_id = s.id) AS malwar_url_analysis_json
    FROM scans s WHERE s.id = ${mark(dialect, 1)}`,
    listRecent: `SELECT * FROM scans ORDER BY created_at DESC, id ${byteOrder(dialect)} DESC LIMIT ${mark(dialect, 1)} OFFSET ${mark(dialect, 2)}`,
    appendUsage: `INSERT INTO api_usage (api_key, endpoint, method, status_code) VALUES (${mark(dialect, 1)}, ${mark(dialect, 2)}, ${mark(dialect, 3)}, ${mark(dialect, 4)})`,
  };
}

/** `YYYY-MM-DD HH:MM:SS.sss` UTC: how the repositories stamp created_at / detected_at. */
export function dbInstant(date: Date): string {
  const iso = date.toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
}

/** The scan's values in SCAN_COLUMNS order, JSON columns as text, as the repository binds them. */
export function scanValues(s: ScanWithFindings, now: string): (string | number | null)[] {
  return [
    s.id,
    s.target,
    s.skill_name,
    s.skill_author,
    s.skill_sha256,
    s.status,
    s.risk_score,
    s.overall_severity,
    s.verdict,
    JSON.stringify(s.layers_executed),
    JSON.stringify(s.errors),
    s.started_at,
    s.completed_at,
    s.duration_ms,
    now,
  ];
}

/** Appends one finding's values in FINDING_COLUMNS order to `out`. */
export function pushFindingValues(
  out: (string | number | null)[],
  scanId: string,
  f: FindingRow,
  now: string,
): void {
  out.push(
    f.id,
    scanId,
    f.rule_id,
    f.title,
    f.description,
    f.severity,
    f.confidence,
    f.category,
    f.detector_layer,
    f.line_start,
    f.line_end,
    f.snippet,
    JSON.stringify(f.evidence),
    JSON.stringify(f.ioc_values),
    f.remediation,
    now,
  );
}

export function usageValues(u: UsageRow): (string | number)[] {
  return [u.api_key, u.endpoint, u.method, u.status_code];
}
