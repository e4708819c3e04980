/* Reading and preparing a scan together with its findings and URL analyses. */
import type { DatabaseBackend, Row } from "../backends/index.ts";
import { ValidationError } from "../errors/index.ts";
import { perBackend } from "./backend-fragments.ts";
import {
  type Finding,
  type FindingRecord,
  findingOut,
  findingRecord,
  type NewFinding,
  storedFinding,
} from "./finding-row.ts";
import { compareByInstantThenId, SEVERITY_RANK_TEXT, sortBySeverityThenId } from "./ordering.ts";
import { instantOut } from "./row-convert.ts";
import { type ScanWithDetails, scanById, scanOut } from "./scan-row.ts";
import {
  type NewUrlAnalysis,
  type UrlAnalysis,
  urlAnalysisOut,
  urlAnalysisRecord,
} from "./url-analysis-row.ts";

/** Checks every item before anything is written; the message says which item, `field` which column. */
function eachChecked<T, R>(list: readonly T[] | undefined, name: string, check: (item: T) => R): R[] {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw new ValidationError(name, `${name} must be an array`);
  const out: R[] = new Array(list.length);
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

export function findingRecords(
  scanId: string,
  findings: readonly NewFinding[] | undefined,
  now: string,
): FindingRecord[] {
  return eachChecked(findings, "findings", (f) => findingRecord(scanId, f, now));
}

export function urlAnalysisRecords(
  scanId: string,
  items: readonly NewUrlAnalysis[] | undefined,
  now: string,
): Row[] {
  return eachChecked(items, "url_analysis", (u) => urlAnalysisRecord(scanId, u, now));
}

/**
 * What a read of these findings returns, from the records just written: converted in place and
 * sorted most severe first, then by id.
 */
export function storedFindings(
  records: FindingRecord[],
  inputs: readonly NewFinding[] | undefined,
  now: string,
): Finding[] {
  const nowIso = instantOut(now);
  const out = records as unknown as Finding[];
  for (let i = 0; i < records.length; i++) {
    storedFinding(
      records[i] as FindingRecord,
      (inputs as readonly NewFinding[])[i] as NewFinding,
      now,
      nowIso,
    );
  }
  return sortBySeverityThenId(out);
}

/*
 * One scan's rows are few: they are sorted here rather than by the database, which on SQLite
 * halves the cost of the read (no sorter) and gives the same order (code-point order of ids is
 * the byte order COLLATE BINARY / COLLATE "C" would give).
 */
export async function findingsOfScan(db: DatabaseBackend, scanId: string): Promise<Finding[]> {
  const rows = await db.fetchAll("SELECT * FROM findings WHERE scan_id = ?", [scanId]);
  return sortBySeverityThenId(findingOut.rows(rows));
}

export async function urlAnalysesOfScan(db: DatabaseBackend, scanId: string): Promise<UrlAnalysis[]> {
  const rows = await db.fetchAll("SELECT * FROM url_analysis WHERE scan_id = ?", [scanId]);
  return urlAnalysisOut.rows(rows).sort(byFetchedAtThenId);
}

const byFetchedAtThenId = compareByInstantThenId("fetched_at");

/**
 * Where the backend does not aggregate JSON (in-process SQLite, for which three small reads cost
 * less than building JSON). The scan is read
 * first: saveScan commits scan and details together, so once the scan is visible its findings are
 * too.
 */
async function loadSeparately(db: DatabaseBackend, id: string): Promise<ScanWithDetails | null> {
  const scan = await scanById(db, id);
  if (scan === null) return null;
  const findings = await findingsOfScan(db, id);
  const urlAnalyses = await urlAnalysesOfScan(db, id);
  return { ...scan, findings, url_analysis: urlAnalyses };
}

const AGGREGATED = perBackend((c) =>
  c.jsonRowsArray === null
    ? null
    : `SELECT s.*,
  (SELECT ${c.jsonRowsArray("f", `${SEVERITY_RANK_TEXT}, f.id ${c.byteOrder}`)}
     FROM findings f WHERE f.scan_id = s.id) AS malwar_findings_json,
  (SELECT ${c.jsonRowsArray("u", `u.fetched_at, u.id ${c.byteOrder}`)}
     FROM url_analysis u WHERE u.scan_id = s.id) AS malwar_url_analysis_json
FROM scans s WHERE s.id = ?`,
);

/**
 * Where the backend aggregates JSON: one round trip (and one consistent snapshot), the details
 * aggregated to JSON text on the server. Instants inside JSON come as zone-less
 * `YYYY-MM-DDTHH:MM:SS[.ffffff]` UTC text, which the shared converters read like stored text.
 */
async function loadAggregated(
  db: DatabaseBackend,
  aggregated: string,
  id: string,
): Promise<ScanWithDetails | null> {
  const row = await db.fetchOne<Row>(aggregated, [id]);
  if (row === null) return null;
  const findings = JSON.parse(row.malwar_findings_json as string) as Row[];
  const urls = JSON.parse(row.malwar_url_analysis_json as string) as Row[];
  return { ...scanOut(row), findings: findingOut.rows(findings), url_analysis: urlAnalysisOut.rows(urls) };
}

/** The scan, its findings (most severe first, then by id) and its URL analyses; null if absent. */
export function loadDetails(db: DatabaseBackend, id: string): Promise<ScanWithDetails | null> {
  const aggregated = AGGREGATED(db);
  return aggregated === null ? loadSeparately(db, id) : loadAggregated(db, aggregated, id);
}
