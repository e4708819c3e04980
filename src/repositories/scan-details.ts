/* Reading and preparing a scan together with its findings and URL analyses. */
import type { DatabaseBackend, Row } from "../backends/database-backend.ts";
import { ValidationError } from "../errors/index.ts";
import { type SqlParam, sql } from "../sql/index.ts";
import { type Finding, findingOut, findingParams, type NewFinding } from "./finding-row.ts";
import { compareByInstantThenId, compareBySeverityThenId, SEVERITY_RANK_TEXT } from "./ordering.ts";
import { type ScanWithDetails, scanOut } from "./scan-row.ts";
import {
  type NewUrlAnalysis,
  type UrlAnalysis,
  urlAnalysisOut,
  urlAnalysisParams,
} from "./url-analysis-row.ts";

/** Checks every item before anything is written; the message says which item, `field` which column. */
function eachChecked<T>(
  list: readonly T[] | undefined,
  name: string,
  check: (item: T) => SqlParam[],
): SqlParam[][] {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw new ValidationError(name, `${name} must be an array`);
  const out: SqlParam[][] = new Array(list.length);
  for (let i = 0; i < list.length; i++) {
    try {
      out[i] = check(list[i] as T);
    } catch (error) {
      if (error instanceof ValidationError) {
        throw new ValidationError(error.field, `${name}[${i}]: ${error.message}`, { cause: error });
      }
      if (error instanceof TypeError) throw new ValidationError(name, `${name}[${i}]: ${error.message}`);
      throw error;
    }
  }
  return out;
}

export function bulkFindingParams(scanId: string, findings: readonly NewFinding[] | undefined, now: string) {
  return eachChecked(findings, "findings", (f) => findingParams(scanId, f, now));
}

export function bulkUrlAnalysisParams(
  scanId: string,
  items: readonly NewUrlAnalysis[] | undefined,
  now: string,
) {
  return eachChecked(items, "url_analysis", (u) => urlAnalysisParams(scanId, u, now));
}

/*
 * One scan's rows are few: they are sorted here rather than by the database, which on SQLite
 * halves the cost of the read (no sorter) and gives the same order (code-point order of ids is
 * the byte order COLLATE BINARY / COLLATE "C" would give).
 */
export async function findingsOfScan(db: DatabaseBackend, scanId: string): Promise<Finding[]> {
  const rows = await db.fetchAll(sql`SELECT * FROM findings WHERE scan_id = ${scanId}`);
  return rows.map(findingOut).sort(compareBySeverityThenId);
}

export async function urlAnalysesOfScan(db: DatabaseBackend, scanId: string): Promise<UrlAnalysis[]> {
  const rows = await db.fetchAll(sql`SELECT * FROM url_analysis WHERE scan_id = ${scanId}`);
  return rows.map(urlAnalysisOut).sort(byFetchedAtThenId);
}

const byFetchedAtThenId = compareByInstantThenId("fetched_at");

/**
 * SQLite runs in-process, so three small reads cost less than building JSON. The scan is read
 * first: saveScan commits scan and details together, so once the scan is visible its findings are
 * too.
 */
async function loadSeparately(db: DatabaseBackend, id: string): Promise<ScanWithDetails | null> {
  const scanRow = await db.fetchOne(sql`SELECT * FROM scans WHERE id = ${id}`);
  if (scanRow === null) return null;
  const findings = await findingsOfScan(db, id);
  const urlAnalyses = await urlAnalysesOfScan(db, id);
  return { ...scanOut(scanRow), findings, url_analysis: urlAnalyses };
}

const AGGREGATED = `SELECT s.*,
  (SELECT COALESCE(json_agg(f ORDER BY ${SEVERITY_RANK_TEXT}, f.id COLLATE "C"), '[]')::text
     FROM findings f WHERE f.scan_id = s.id) AS malwar_findings_json,
  (SELECT COALESCE(json_agg(u ORDER BY u.fetched_at, u.id COLLATE "C"), '[]')::text
     FROM url_analysis u WHERE u.scan_id = s.id) AS malwar_url_analysis_json
FROM scans s WHERE s.id = ?`;

/**
 * PostgreSQL: one round trip (and one consistent snapshot), the details aggregated to JSON text on
 * the server. Instants inside JSON come as zone-less `YYYY-MM-DDTHH:MM:SS[.ffffff]` UTC text,
 * which the shared converters read like SQLite's text.
 */
async function loadAggregated(db: DatabaseBackend, id: string): Promise<ScanWithDetails | null> {
  const row = await db.fetchOne<Row>(AGGREGATED, [id]);
  if (row === null) return null;
  const findings = JSON.parse(row.malwar_findings_json as string) as Row[];
  const urls = JSON.parse(row.malwar_url_analysis_json as string) as Row[];
  return { ...scanOut(row), findings: findings.map(findingOut), url_analysis: urls.map(urlAnalysisOut) };
}

const LOADERS: Record<DatabaseBackend["backendName"], typeof loadSeparately> = {
  sqlite: loadSeparately,
  postgres: loadAggregated,
};

/** The scan, its findings (most severe first, then by id) and its URL analyses; null if absent. */
export function loadDetails(db: DatabaseBackend, id: string): Promise<ScanWithDetails | null> {
  return LOADERS[db.backendName](db, id);
}
