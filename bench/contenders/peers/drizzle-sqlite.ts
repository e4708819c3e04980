/**
 * Drizzle ORM on its bun-sqlite driver, as its documentation shows it: the query builder
 * (default), or the same queries built once with `.prepare()` and placeholders. Transactions
 * are Drizzle's (synchronous on bun:sqlite, `behavior: "immediate"` as raw's BEGIN IMMEDIATE).
 */
import { desc, eq, sql } from "drizzle-orm";
import { type BunSQLiteDatabase, drizzle } from "drizzle-orm/bun-sqlite";
import type { ScanWithFindings } from "../../fixtures.ts";
import { dbInstant, FINDING_COLUMNS, SCAN_COLUMNS } from "../statements.ts";
import {
  sqliteFindings as findings,
  sqliteScans as scans,
  sqliteUrlAnalysis as urls,
} from "./drizzle-schema.ts";
import { findingRecords, SEVERITY_RANK, scanRecord } from "./peer-rows.ts";
import { openPeerDatabase, SqlitePeer } from "./sqlite-peer.ts";

const severityRank = sql.raw(SEVERITY_RANK);
const idBytes = (column: unknown) => sql`${column} COLLATE BINARY`;

export class DrizzleSqlite extends SqlitePeer {
  readonly label: string;
  readonly title: string;
  readonly #orm: BunSQLiteDatabase;
  readonly #prepared: boolean;

  constructor(path: string, prepared: boolean) {
    const db = openPeerDatabase(path);
    super(db);
    this.#orm = drizzle({ client: db });
    this.#prepared = prepared;
    this.label = prepared ? "drizzle-prepared" : "drizzle";
    this.title = prepared ? "Drizzle .prepare()" : "Drizzle";
  }

  async recordScans(items: readonly ScanWithFindings[]): Promise<void> {
    const orm = this.#orm;
    if (!this.#prepared) {
      for (const item of items) {
        const now = dbInstant(new Date());
        const scan = scanRecord(item, now);
        const rows = findingRecords(item, now);
        orm.transaction(
          (tx) => {
            tx.insert(scans)
              .values(scan as typeof scans.$inferInsert)
              .run();
            if (rows.length > 0)
              tx.insert(findings)
                .values(rows as (typeof findings.$inferInsert)[])
                .run();
          },
          { behavior: "immediate" },
        );
      }
      return;
    }
    const insertScan = orm
      .insert(scans)
      .values(placeholders(SCAN_COLUMNS, "") as typeof scans.$inferInsert)
      .prepare();
    const findingInserts = new Map<number, { run(values: Record<string, unknown>): unknown }>();
    for (const item of items) {
      const now = dbInstant(new Date());
      const scan = scanRecord(item, now);
      const rows = findingRecords(item, now);
      let insertFindings = findingInserts.get(rows.length);
      if (insertFindings === undefined) {
        const tuples = rows.map((_, k) => placeholders(FINDING_COLUMNS, `f${k}_`));
        insertFindings = orm
          .insert(findings)
          .values(tuples as (typeof findings.$inferInsert)[])
          .prepare();
        findingInserts.set(rows.length, insertFindings);
      }
      const values: Record<string, unknown> = {};
      rows.forEach((r, k) => {
        for (const [c, v] of Object.entries(r)) values[`f${k}_${c}`] = v;
      });
      const run = insertFindings;
      orm.transaction(
        () => {
          insertScan.run(scan);
          if (rows.length > 0) run.run(values);
        },
        { behavior: "immediate" },
      );
    }
  }

  readonly getVariants = {
    "scan + findings + url_analysis": async (ids: readonly string[]): Promise<number> => {
      const orm = this.#orm;
      let n = 0;
      if (!this.#prepared) {
        for (const id of ids) {
          const scan = orm.select().from(scans).where(eq(scans.id, id)).get();
          if (scan === undefined) continue;
          n += orm
            .select()
            .from(findings)
            .where(eq(findings.scan_id, id))
            .orderBy(severityRank, idBytes(findings.id))
            .all().length;
          orm
            .select()
            .from(urls)
            .where(eq(urls.scan_id, id))
            .orderBy(urls.fetched_at, idBytes(urls.id))
            .all();
        }
        return n;
      }
      const scanById = orm
        .select()
        .from(scans)
        .where(eq(scans.id, sql.placeholder("id")))
        .prepare();
      const findingsOf = orm
        .select()
        .from(findings)
        .where(eq(findings.scan_id, sql.placeholder("id")))
        .orderBy(severityRank, idBytes(findings.id))
        .prepare();
      const urlsOf = orm
        .select()
        .from(urls)
        .where(eq(urls.scan_id, sql.placeholder("id")))
        .orderBy(urls.fetched_at, idBytes(urls.id))
        .prepare();
      for (const id of ids) {
        if (scanById.get({ id }) === undefined) continue;
        n += findingsOf.all({ id }).length;
        urlsOf.all({ id });
      }
      return n;
    },
  };

  async listRecent(times: number, limit: number): Promise<number> {
    const orm = this.#orm;
    let n = 0;
    if (!this.#prepared) {
      for (let k = 0; k < times; k++) {
        n += orm
          .select()
          .from(scans)
          .orderBy(desc(scans.created_at), sql`${scans.id} COLLATE BINARY DESC`)
          .limit(limit)
          .offset(0)
          .all().length;
      }
      return n;
    }
    const list = orm
      .select()
      .from(scans)
      .orderBy(desc(scans.created_at), sql`${scans.id} COLLATE BINARY DESC`)
      .limit(sql.placeholder("limit"))
      .offset(sql.placeholder("offset"))
      .prepare();
    for (let k = 0; k < times; k++) n += list.all({ limit, offset: 0 }).length;
    return n;
  }
}

/** `{ column: sql.placeholder(prefix + column) }` for each of the table's columns. */
function placeholders(columns: readonly string[], prefix: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const c of columns) out[c] = sql.placeholder(`${prefix}${c}`);
  return out;
}
