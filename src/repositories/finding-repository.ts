import type { DatabaseBackend, Row } from "../backends/index.ts";
import { type SqlQuery, sql } from "../sql/index.ts";
import { byteOrder } from "./backend-fragments.ts";
import { CATEGORIES, type Category, nonEmptyText, oneOf, SEVERITIES, type Severity } from "./domain.ts";
import { FINDING_COLUMNS, type Finding, findingById, findingOut, type NewFinding } from "./finding-row.ts";
import { type PageOptions, page } from "./paging.ts";
import { toDbInstant } from "./row-convert.ts";
import { findingRecords, findingsOfScan, storedFindings } from "./scan-details.ts";
import { guardWrite } from "./write-errors.ts";

export interface FindingListOptions extends PageOptions {
  category?: Category;
}

export class FindingRepository {
  constructor(private readonly db: DatabaseBackend) {}

  /**
   * Adds findings to an existing scan: all checked first, then multi-row inserts (chunked under
   * the drivers' parameter limits) in one transaction. Returned most severe first, then by id.
   */
  async createMany(scanId: string, findings: readonly NewFinding[]): Promise<Finding[]> {
    const now = toDbInstant(new Date());
    const records = findingRecords(nonEmptyText("scan_id", scanId, 255), findings, now);
    if (records.length === 0) return [];
    await this.#write(records);
    return storedFindings(records, findings, now);
  }

  /**
   * createMany for callers that do not need the stored rows back (imports, bulk loads): the same
   * checks, statements and transaction, without building and sorting an object per row.
   * Returns how many findings were written.
   */
  async insertMany(scanId: string, findings: readonly NewFinding[]): Promise<number> {
    const records = findingRecords(nonEmptyText("scan_id", scanId, 255), findings, toDbInstant(new Date()));
    if (records.length === 0) return 0;
    await this.#write(records);
    return records.length;
  }

  async create(scanId: string, finding: NewFinding): Promise<Finding> {
    const [stored] = await this.createMany(scanId, [finding]);
    return stored as Finding;
  }

  async get(id: string): Promise<Finding | null> {
    return findingById(this.db, id);
  }

  /** A scan's findings, most severe first, then by id. */
  async listByScan(scanId: string): Promise<Finding[]> {
    return findingsOfScan(this.db, scanId);
  }

  /** Findings of one severity across scans, newest first; bounded page. */
  async listBySeverity(severity: Severity, options: FindingListOptions = {}): Promise<Finding[]> {
    const { limit, offset } = page(options);
    const where: SqlQuery[] = [sql`severity = ${oneOf("severity", severity, SEVERITIES)}`];
    if (options.category !== undefined)
      where.push(sql`category = ${oneOf("category", options.category, CATEGORIES)}`);
    const rows = await this.db.fetchAll(
      sql`SELECT * FROM findings WHERE ${sql.join(where, " AND ")} ORDER BY detected_at DESC, id ${byteOrder(this.db)} DESC LIMIT ${limit} OFFSET ${offset}`,
    );
    return findingOut.rows(rows);
  }

  /** Count per severity for one scan (every severity present, zero when none). */
  async countBySeverity(scanId: string): Promise<Record<Severity, number>> {
    const rows = await this.db.fetchAll<{ severity: string; n: number }>(
      sql`SELECT severity, COUNT(*) AS n FROM findings WHERE scan_id = ${scanId} GROUP BY severity`,
    );
    const counts: Record<Severity, number> = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
    for (const r of rows) if (r.severity in counts) counts[r.severity as Severity] = Number(r.n);
    return counts;
  }

  #write(records: readonly Row[]): Promise<void> {
    return guardWrite(
      () => this.db.insertRows("findings", FINDING_COLUMNS, records),
      `A finding with one of these ids already exists`,
      "scan_id",
    );
  }
}
