import type { BackendCapabilities, DatabaseBackend, RowSet } from "../backends/index.ts";
import { NotFoundError } from "../errors/index.ts";
import { type SqlQuery, sql } from "../sql/index.ts";
import { AUDIT_COLUMNS, auditRecord, type NewAuditEntry } from "./audit-log-repository.ts";
import { perBackend } from "./backend-fragments.ts";
import {
  integerOrNull,
  jsonArrayIn,
  oneOf,
  SCAN_STATUSES,
  type ScanStatus,
  SEVERITIES,
  stringItem,
  VERDICTS,
} from "./domain.ts";
import { FINDING_COLUMNS } from "./finding-row.ts";
import { compareByInstantThenId } from "./ordering.ts";
import { type PageOptions, page } from "./paging.ts";
import { countOf, whereAll } from "./query-parts.ts";
import { toDbInstant } from "./row-convert.ts";
import { findingRecords, loadDetails, storedFindings, urlAnalysisRecords } from "./scan-details.ts";
import {
  listScanPage,
  type ScanFilter,
  type ScanPage,
  type ScanPageOptions,
  scanFilterSql,
} from "./scan-listing.ts";
import {
  layerItem,
  type NewScan,
  type NewScanWithDetails,
  SCAN_COLUMNS,
  type Scan,
  type ScanStatusChanges,
  type ScanWithDetails,
  scanById,
  scanOut,
  scanRecord,
  scanTimeText,
} from "./scan-row.ts";
import { URL_ANALYSIS_COLUMNS, urlAnalysisOut } from "./url-analysis-row.ts";
import { guardWrite } from "./write-errors.ts";

export interface ScanListOptions extends PageOptions, ScanFilter {}

const byFetchedAtThenId = compareByInstantThenId("fetched_at");

/**
 * What a list of scans reads: every column, created_at as text where the backend can hand it out
 * so (`instantText`: PostgreSQL then builds no Date per row that scanOut would only format back
 * into a string). The select list then names a `created_at` that is text, so ORDER BY names the
 * table's column (a bare name there would mean the output column: a sort of text, no index).
 */
function scanList(c: BackendCapabilities): { columns: string; order: string } {
  const instantText = c.instantText;
  if (instantText === undefined) return { columns: "*", order: `created_at DESC, id ${c.byteOrder} DESC` };
  return {
    columns: SCAN_COLUMNS.map((col) =>
      col === "created_at" ? `${instantText("scans.created_at")} AS created_at` : col,
    ).join(", "),
    order: `scans.created_at DESC, id ${c.byteOrder} DESC`,
  };
}

const SCAN_LIST = perBackend((c) => {
  const list = scanList(c);
  return { columns: sql.unsafe(list.columns), order: sql.unsafe(list.order) };
});

const RECENT = perBackend((c) => {
  const list = scanList(c);
  return `SELECT ${list.columns} FROM scans ORDER BY ${list.order} LIMIT ? OFFSET ?`;
});

export interface SaveScanOptions {
  /**
   * The audit entry of the change, made from the scan as it will be stored (and how many findings
   * and URL analyses it has): written in the same write as the scan (one statement on
   * PostgreSQL), so neither is ever stored without the other.
   */
  audit?: (scan: Scan, counts: { findings: number; url_analysis: number }) => NewAuditEntry;
}

export class ScanRepository {
  constructor(private readonly db: DatabaseBackend) {}

  /** Stores one scan row (no findings). */
  async create(scan: NewScan): Promise<Scan> {
    const now = new Date();
    const record = scanRecord(scan, now, toDbInstant(now));
    await guardWrite(
      () => this.db.insertRows("scans", SCAN_COLUMNS, [record]),
      `A scan with id ${String(record.id)} already exists`,
    );
    return scanOut(record);
  }

  /**
   * Stores a scan with its findings and URL analyses in one transaction: everything is checked
   * before the first write, and any failure leaves no trace of the scan.
   * Returns exactly what `getScanWithDetails` will read back.
   */
  async saveScan(scan: NewScanWithDetails, options: SaveScanOptions = {}): Promise<ScanWithDetails> {
    const now = new Date();
    const nowDb = toDbInstant(now);
    const record = scanRecord(scan, now, nowDb);
    const scanId = record.id as string;
    const findingRows = findingRecords(scanId, scan.findings, nowDb);
    const urlRows = urlAnalysisRecords(scanId, scan.url_analysis, nowDb);
    const sets: RowSet[] = [
      { table: "scans", columns: SCAN_COLUMNS, records: [record] },
      { table: "findings", columns: FINDING_COLUMNS, records: findingRows },
      { table: "url_analysis", columns: URL_ANALYSIS_COLUMNS, records: urlRows },
    ];
    if (options.audit !== undefined) {
      const entry = options.audit(scanOut(record), {
        findings: findingRows.length,
        url_analysis: urlRows.length,
      });
      sets.push({ table: "audit_log", columns: AUDIT_COLUMNS, records: [auditRecord(entry)] });
    }
    await guardWrite(
      () => this.db.insertRowSets(sets),
      `A scan, finding or URL analysis with one of these ids already exists (scan ${scanId})`,
    );
    // Made from the records once they are written: storedFindings turns them into the output.
    const stored = scanOut(record) as ScanWithDetails;
    stored.findings = storedFindings(findingRows, scan.findings, nowDb);
    stored.url_analysis = urlRows.map(urlAnalysisOut).sort(byFetchedAtThenId);
    return stored;
  }

  async get(id: string): Promise<Scan | null> {
    return scanById(this.db, id);
  }

  /** The scan, its findings (most severe first, then by id) and its URL analyses; null if absent. */
  async getScanWithDetails(id: string): Promise<ScanWithDetails | null> {
    return loadDetails(this.db, id);
  }

  /** Newest first (by created_at, then id), optionally one verdict or status; bounded page. */
  async listRecent(options: ScanListOptions = {}): Promise<Scan[]> {
    const { limit, offset } = page(options);
    // The unfiltered listing is the hot one: a text built once per dialect, not a nested template.
    const rows =
      scanFilterSql(options).length === 0
        ? await this.db.fetchAll(RECENT(this.db), [limit, offset])
        : await this.db.fetchAll(
            sql`SELECT ${SCAN_LIST(this.db).columns} FROM scans${this.filter(options)} ORDER BY ${SCAN_LIST(this.db).order} LIMIT ${limit} OFFSET ${offset}`,
          );
    return scanOut.rows(rows);
  }

  /**
   * A page for listings that go deep: keyset continuation (`after`), filters, and a total that
   * stops counting at TOTAL_COUNT_CAP. Offset still works, at its usual cost.
   */
  async listPage(options: ScanPageOptions = {}): Promise<ScanPage> {
    return listScanPage(this.db, options);
  }

  async count(options: ScanFilter = {}): Promise<number> {
    return countOf(this.db, sql`SELECT COUNT(*) AS n FROM scans${this.filter(options)}`);
  }

  /** Sets the status (and any of `changes`); NotFoundError if the scan does not exist. */
  async updateStatus(id: string, status: ScanStatus, changes: ScanStatusChanges = {}): Promise<Scan> {
    const sets: SqlQuery[] = [sql`status = ${oneOf("status", status, SCAN_STATUSES)}`];
    if (changes.risk_score !== undefined)
      sets.push(sql`risk_score = ${integerOrNull("risk_score", changes.risk_score, 0)}`);
    if (changes.overall_severity !== undefined) {
      sets.push(sql`overall_severity = ${oneOf("overall_severity", changes.overall_severity, SEVERITIES)}`);
    }
    if (changes.verdict !== undefined)
      sets.push(sql`verdict = ${oneOf("verdict", changes.verdict, VERDICTS)}`);
    if (changes.layers_executed !== undefined) {
      sets.push(sql`layers_executed = ${jsonArrayIn("layers_executed", changes.layers_executed, layerItem)}`);
    }
    if (changes.errors !== undefined)
      sets.push(sql`errors = ${jsonArrayIn("errors", changes.errors, stringItem)}`);
    if (changes.completed_at !== undefined) {
      sets.push(
        sql`completed_at = ${changes.completed_at === null ? null : scanTimeText("completed_at", changes.completed_at)}`,
      );
    }
    if (changes.duration_ms !== undefined) {
      sets.push(sql`duration_ms = ${integerOrNull("duration_ms", changes.duration_ms, 0)}`);
    }
    const row = await this.db.fetchOne(sql`UPDATE scans SET ${sql.join(sets)} WHERE id = ${id} RETURNING *`);
    if (row === null) throw new NotFoundError(`Scan ${id} not found`);
    return scanOut(row);
  }

  /** Removes the scan; its findings and URL analyses go with it (ON DELETE CASCADE). */
  async delete(id: string): Promise<boolean> {
    const { rowCount } = await this.db.execute(sql`DELETE FROM scans WHERE id = ${id}`);
    return rowCount > 0;
  }

  private filter(options: ScanFilter): SqlQuery {
    return whereAll(scanFilterSql(options));
  }
}
