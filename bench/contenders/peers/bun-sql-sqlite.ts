/**
 * Bun's built-in SQL client on SQLite (`new SQL({ adapter: "sqlite" })`), sending raw's
 * statements (`sql.unsafe(text, values)`) with raw's pragmas, W1–W3. Its transactions are its
 * own `begin()`.
 */
import { SQL } from "bun";
import type { Contender } from "../../contender.ts";
import type { ScanWithFindings } from "../../fixtures.ts";
import {
  dbInstant,
  FINDING_COLUMNS,
  insertText,
  pushFindingValues,
  readStatements,
  SCAN_COLUMNS,
  scanValues,
} from "../statements.ts";

type Value = string | number | null;
type Row = Record<string, unknown>;

export class BunSqlSqlitePeer implements Contender {
  readonly label = "bun-sql";
  readonly title = "Bun SQL";
  readonly bulkVariants = {};
  readonly #sql: SQL;
  readonly #read = readStatements("sqlite");

  private constructor(sql: SQL) {
    this.#sql = sql;
  }

  static async open(path: string): Promise<BunSqlSqlitePeer> {
    const sql = new SQL({ adapter: "sqlite", filename: path });
    for (const pragma of [
      "PRAGMA busy_timeout = 5000",
      "PRAGMA journal_mode = WAL",
      "PRAGMA foreign_keys = ON",
      "PRAGMA synchronous = NORMAL",
    ])
      await sql.unsafe(pragma);
    return new BunSqlSqlitePeer(sql);
  }

  async reset(): Promise<void> {
    await this.#sql.unsafe(
      "DELETE FROM findings; DELETE FROM url_analysis; DELETE FROM scans; DELETE FROM api_usage;",
    );
    await this.#sql.unsafe("PRAGMA wal_checkpoint(TRUNCATE)");
  }

  async analyze(): Promise<void> {
    await this.#sql.unsafe("ANALYZE");
  }

  async recordScans(items: readonly ScanWithFindings[]): Promise<void> {
    const insertScan = insertText("sqlite", "scans", SCAN_COLUMNS, 1);
    const texts = new Map<number, string>();
    for (const item of items) {
      const now = dbInstant(new Date());
      const scan = scanValues(item, now);
      const findings: Value[] = [];
      for (const f of item.findings) pushFindingValues(findings, item.id, f, now);
      let insertFindings = texts.get(item.findings.length);
      if (insertFindings === undefined) {
        insertFindings = insertText("sqlite", "findings", FINDING_COLUMNS, item.findings.length);
        texts.set(item.findings.length, insertFindings);
      }
      const text = insertFindings;
      await this.#sql.begin(async (tx) => {
        await tx.unsafe(insertScan, scan);
        if (findings.length > 0) await tx.unsafe(text, findings);
      });
    }
  }

  readonly getVariants = {
    "scan + findings + url_analysis": async (ids: readonly string[]): Promise<number> => {
      const sql = this.#sql;
      let n = 0;
      for (const id of ids) {
        const [scan] = await sql.unsafe<Row[]>(this.#read.scanById, [id]);
        if (scan === undefined) continue;
        n += (await sql.unsafe<Row[]>(this.#read.findingsOfScan, [id])).length;
        await sql.unsafe<Row[]>(this.#read.urlAnalysesOfScan, [id]);
      }
      return n;
    },
  };

  async listRecent(times: number, limit: number): Promise<number> {
    let n = 0;
    for (let k = 0; k < times; k++)
      n += (await this.#sql.unsafe<Row[]>(this.#read.listRecent, [limit, 0])).length;
    return n;
  }

  async clearBulk(): Promise<void> {}

  async counts(): Promise<{ scans: number; findings: number; api_usage: number }> {
    const [row] = await this.#sql.unsafe<{ scans: number; findings: number; api_usage: number }[]>(
      "SELECT (SELECT COUNT(*) FROM scans) AS scans, (SELECT COUNT(*) FROM findings) AS findings, (SELECT COUNT(*) FROM api_usage) AS api_usage",
    );
    return { scans: Number(row?.scans), findings: Number(row?.findings), api_usage: Number(row?.api_usage) };
  }

  async close(): Promise<void> {
    await this.#sql.close();
  }
}
