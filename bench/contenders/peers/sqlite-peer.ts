/**
 * What the SQLite peers share: their own bun:sqlite connection with the pragmas raw uses (WAL,
 * foreign_keys, busy_timeout 5 s, synchronous NORMAL), the untimed housekeeping on it, and no
 * W4/W5 (peers do W1–W3). A subclass says how its client runs each workload.
 */
import { Database } from "bun:sqlite";
import type { Contender } from "../../contender.ts";
import type { ScanWithFindings } from "../../fixtures.ts";

export function openPeerDatabase(path: string): Database {
  const db = new Database(path, { create: true, readwrite: true, strict: true });
  db.run("PRAGMA busy_timeout = 5000");
  db.run("PRAGMA journal_mode = WAL");
  db.run("PRAGMA foreign_keys = ON");
  db.run("PRAGMA synchronous = NORMAL");
  return db;
}

export abstract class SqlitePeer implements Contender {
  abstract readonly label: string;
  abstract readonly title: string;
  protected readonly db: Database;
  readonly bulkVariants = {};

  protected constructor(db: Database) {
    this.db = db;
  }

  abstract recordScans(items: readonly ScanWithFindings[]): Promise<void>;
  abstract readonly getVariants: Readonly<Record<string, (ids: readonly string[]) => Promise<number>>>;
  abstract listRecent(times: number, limit: number): Promise<number>;

  async reset(): Promise<void> {
    this.db.run("DELETE FROM findings; DELETE FROM url_analysis; DELETE FROM scans; DELETE FROM api_usage;");
    this.db.run("PRAGMA wal_checkpoint(TRUNCATE)");
  }

  async analyze(): Promise<void> {
    this.db.run("ANALYZE");
  }

  async clearBulk(): Promise<void> {}

  async counts(): Promise<{ scans: number; findings: number; api_usage: number }> {
    return this.db
      .query<{ scans: number; findings: number; api_usage: number }, []>(
        "SELECT (SELECT COUNT(*) FROM scans) AS scans, (SELECT COUNT(*) FROM findings) AS findings, (SELECT COUNT(*) FROM api_usage) AS api_usage",
      )
      .get()!;
  }

  async close(): Promise<void> {
    this.db.close(false);
  }
}
