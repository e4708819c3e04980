import type { DatabaseBackend } from "../backends/index.ts";
import { sql } from "../sql/index.ts";
import { nonEmptyText } from "./domain.ts";
import { toDbInstant } from "./row-convert.ts";
import { urlAnalysesOfScan, urlAnalysisRecords } from "./scan-details.ts";
import {
  type NewUrlAnalysis,
  URL_ANALYSIS_COLUMNS,
  type UrlAnalysis,
  urlAnalysisById,
  urlAnalysisOut,
} from "./url-analysis-row.ts";
import { guardWrite } from "./write-errors.ts";

export class UrlAnalysisRepository {
  constructor(private readonly db: DatabaseBackend) {}

  /** Adds URL analyses to an existing scan, all or none. */
  async createMany(scanId: string, items: readonly NewUrlAnalysis[]): Promise<UrlAnalysis[]> {
    const records = urlAnalysisRecords(nonEmptyText("scan_id", scanId, 255), items, toDbInstant(new Date()));
    if (records.length === 0) return [];
    await guardWrite(
      () => this.db.insertRows("url_analysis", URL_ANALYSIS_COLUMNS, records),
      "A URL analysis with one of these ids already exists",
      "scan_id",
    );
    return records.map(urlAnalysisOut);
  }

  async create(scanId: string, item: NewUrlAnalysis): Promise<UrlAnalysis> {
    const [stored] = await this.createMany(scanId, [item]);
    return stored as UrlAnalysis;
  }

  async get(id: string): Promise<UrlAnalysis | null> {
    return urlAnalysisById(this.db, id);
  }

  /** A scan's URL analyses in the order they were fetched (then by id). */
  async listByScan(scanId: string): Promise<UrlAnalysis[]> {
    return urlAnalysesOfScan(this.db, scanId);
  }

  /** Analyses flagged malicious for this URL (exact match), newest first. */
  async listMaliciousByUrl(url: string): Promise<UrlAnalysis[]> {
    const rows = await this.db.fetchAll(
      sql`SELECT * FROM url_analysis WHERE url = ${url} AND is_malicious = ${true} ORDER BY fetched_at DESC LIMIT 500`,
    );
    return urlAnalysisOut.rows(rows);
  }
}
