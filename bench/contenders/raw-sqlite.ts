/**
 * The raw bun:sqlite contender: the statements the repositories send, through `db.query`
 * (bun:sqlite's cached prepared statements), on a connection set up with the same pragmas
 * SQLiteBackend uses (sqlite-connection.ts: WAL, foreign_keys, busy_timeout 5 s, synchronous NORMAL).
 */
import { Database } from "bun:sqlite";
import type { Contender } from "../contender.ts";
import type { BulkInput, ScanWithFindings, UsageRow } from "../fixtures.ts";
import {
  dbInstant,
  FINDING_COLUMNS,
  insertText,
  MULTI_ROW_PARAMS,
  pushFindingValues,
  readStatements,
  SCAN_COLUMNS,
  scanValues,
  usageValues,
} from "./statements.ts";

type Value = string | number | null;

export class RawSqlite implements Contender {
  readonly label = "raw";
  readonly #db: Database;
  readonly #read = readStatements("sqlite");

  constructor(path: string) {
    this.#db = new Database(path, { create: true, readwrite: true, strict: true });
    this.#db.run("PRAGMA busy_timeout = 5000");
    this.#db.run("PRAGMA journal_mode = WAL");
    this.#db.run("PRAGMA foreign_keys = ON");
    this.#db.run("PRAGMA synchronous = NORMAL");
  }

  async reset(): Promise<void> {
    this.#db.run("DELETE FROM findings; DELETE FROM url_analysis; DELETE FROM scans; DELETE FROM api_usage;");
    this.#db.run("PRAGMA wal_checkpoint(TRUNCATE)");
  }

  async analyze(): Promise<void> {
    this.#db.run("ANALYZE");
  }

  async recordScans(items: readonly ScanWithFindings[]): Promise<void> {
    const db = this.#db;
    const begin = db.query("BEGIN IMMEDIATE");
    const commit = db.query("COMMIT");
    const insertScan = db.query(insertText("sqlite", "scans", SCAN_COLUMNS, 1));
    const findingInserts = new Map<number, ReturnType<Database["query"]>>();
    for (const item of items) {
      const now = dbInstant(new Date());
      const scan = scanValues(item, now);
      const findings: Value[] = [];
      for (const f of item.findings) pushFindingValues(findings, item.id, f, now);
      let insertFindings = findingInserts.get(item.findings.length);
      if (insertFindings === undefined) {
        insertFindings = db.query(insertText("sqlite", "findings", FINDING_COLUMNS, item.findings.length));
        findingInserts.set(item.findings.length, insertFindings);
      }
      begin.run();
      try {
        insertScan.run(...scan);
        if (item.findings.length > 0) insertFindings.run(...findings);
        commit.run();
      } catch (error) {
        db.run("ROLLBACK");
        throw error;
      }
    }
  }

  readonly getVariants = {
    "scan + findings": async (ids: readonly string[]): Promise<number> => {
      const scanById = this.#db.query(this.#read.scanById);
      const findingsOf = this.#db.query(this.#read.findingsOfScan);
      let n = 0;
      for (const id of ids) {
        if (scanById.get(id) === null) continue;
        n += findingsOf.all(id).length;
      }
      return n;
    },
    "scan + findings + url_analysis": async (ids: readonly string[]): Promise<number> => {
      const scanById = this.#db.query(this.#read.scanById);
      const findingsOf = this.#db.query(this.#read.findingsOfScan);
      const urlsOf = this.#db.query(this.#read.urlAnalysesOfScan);
      let n = 0;
      for (const id of ids) {
        if (scanById.get(id) === null) continue;
        n += findingsOf.all(id).length;
        urlsOf.all(id);
      }
      return n;
    },
  };

  async listRecent(times: number, limit: number): Promise<number> {
    const list = this.#db.query(this.#read.listRecent);
    let n = 0;
    for (let k = 0; k < times; k++) n += list.all(limit, 0).length;
    return n;
  }

  readonly bulkVariants = {
    // The brief's raw form: one prepared single-row statement, run per row, in one transaction.
    "prepared ×N, one tx": async ({ scanId, rows }: BulkInput): Promise<void> => {
      const insert = this.#db.query(insertText("sqlite", "findings", FINDING_COLUMNS, 1));
      const now = dbInstant(new Date());
      const values: Value[] = [];
      this.#db
        .transaction(() => {
          for (const f of rows) {
            values.length = 0;
            pushFindingValues(values, scanId, f, now);
            insert.run(...values);
          }
        })
        .immediate();
    },
    // What the layer sends: multi-row statements of 1,000 rows.
    "multi-row 1,000, one tx": async ({ scanId, rows }: BulkInput): Promise<void> => {
      const perChunk = Math.floor(MULTI_ROW_PARAMS / FINDING_COLUMNS.length);
      const now = dbInstant(new Date());
      const texts = new Map<number, string>();
      this.#db
        .transaction(() => {
          for (let start = 0; start < rows.length; start += perChunk) {
            const end = Math.min(rows.length, start + perChunk);
            const values: Value[] = [];
            for (let r = start; r < end; r++) pushFindingValues(values, scanId, rows[r]!, now);
            let text = texts.get(end - start);
            if (text === undefined) {
              text = insertText("sqlite", "findings", FINDING_COLUMNS, end - start);
              texts.set(end - start, text);
            }
            this.#db.query(text).run(...values);
          }
        })
        .immediate();
    },
  };

  async clearBulk(): Promise<void> {
    this.#db.run("DELETE FROM findings WHERE id LIKE 'bulk-%'");
  }

  async appendUsage(rows: readonly UsageRow[]): Promise<void> {
    const insert = this.#db.query(this.#read.appendUsage);
    for (const u of rows) insert.run(...usageValues(u));
  }

  async counts(): Promise<{ scans: number; findings: number; api_usage: number }> {
    return this.#db
      .query<{ scans: number; findings: number; api_usage: number }, []>(
        "SELECT (SELECT COUNT(*) FROM scans) AS scans, (SELECT COUNT(*) FROM findings) AS findings, (SELECT COUNT(*) FROM api_usage) AS api_usage",
      )
      .get()!;
  }

  async close(): Promise<void> {
    this.#db.close(false);
  }
}
