/**
 * Drizzle ORM on its postgres-js driver: the query builder (default), or the same queries
 * prepared once by name with placeholders (`.prepare(name)`). Transactions are Drizzle's.
 */
import { desc, eq, sql } from "drizzle-orm";
import { drizzle, type PostgresJsDatabase } from "drizzle-orm/postgres-js";
import type postgres from "postgres";
import type { ScanWithFindings } from "../../fixtures.ts";
import { dbInstant, FINDING_COLUMNS, SCAN_COLUMNS } from "../statements.ts";
import { pgFindings as findings, pgScans as scans, pgUrlAnalysis as urls } from "./drizzle-schema.ts";
import { findingRecords, SEVERITY_RANK, scanRecord } from "./peer-rows.ts";
import { openPeerPool, PostgresPeer } from "./postgres-peer.ts";

const severityRank = sql.raw(SEVERITY_RANK);
const idBytes = (column: unknown) => sql`${column} COLLATE "C"`;

interface Runnable {
  execute(values?: Record<string, unknown>): Promise<unknown>;
}

export class DrizzlePostgres extends PostgresPeer {
  readonly label: string;
  readonly title: string;
  readonly #orm: PostgresJsDatabase;
  readonly #prepared: boolean;

  private constructor(pool: postgres.Sql, prepared: boolean) {
    super(pool);
    this.#orm = drizzle({ client: pool });
    this.#prepared = prepared;
    this.label = prepared ? "drizzle-prepared" : "drizzle";
    this.title = prepared ? "Drizzle .prepare()" : "Drizzle";
  }

  static async open(url: string, poolSize: number, prepared: boolean): Promise<DrizzlePostgres> {
    return new DrizzlePostgres(await openPeerPool(url, poolSize), prepared);
  }

  async recordScans(items: readonly ScanWithFindings[]): Promise<void> {
    const orm = this.#orm;
    if (!this.#prepared) {
      for (const item of items) {
        const now = dbInstant(new Date());
        const scan = scanRecord(item, now);
        const rows = findingRecords(item, now);
        await orm.transaction(async (tx) => {
          await tx.insert(scans).values(scan as typeof scans.$inferInsert);
          if (rows.length > 0) await tx.insert(findings).values(rows as (typeof findings.$inferInsert)[]);
        });
      }
      return;
    }
    // Prepared statements belong to the handle that prepared them: the transaction's, per call.
    for (const item of items) {
      const now = dbInstant(new Date());
      const scan = scanRecord(item, now);
      const rows = findingRecords(item, now);
      const values: Record<string, unknown> = {};
      rows.forEach((r, k) => {
        for (const [c, v] of Object.entries(r)) values[`f${k}_${c}`] = v;
      });
      await orm.transaction(async (tx) => {
        const insertScan: Runnable = tx
          .insert(scans)
          .values(placeholders(SCAN_COLUMNS, "") as typeof scans.$inferInsert)
          .prepare("drizzle_insert_scan");
        await insertScan.execute(scan);
        if (rows.length > 0) {
          const tuples = rows.map((_, k) => placeholders(FINDING_COLUMNS, `f${k}_`));
          const insertFindings: Runnable = tx
            .insert(findings)
            .values(tuples as (typeof findings.$inferInsert)[])
            .prepare(`drizzle_insert_findings_${rows.length}`);
          await insertFindings.execute(values);
        }
      });
    }
  }

  readonly getVariants = {
    "scan + findings + url_analysis": async (ids: readonly string[]): Promise<number> => {
      const orm = this.#orm;
      let n = 0;
      if (!this.#prepared) {
        for (const id of ids) {
          const [scan] = await orm.select().from(scans).where(eq(scans.id, id));
          if (scan === undefined) continue;
          n += (
            await orm
              .select()
              .from(findings)
              .where(eq(findings.scan_id, id))
              .orderBy(severityRank, idBytes(findings.id))
          ).length;
          await orm
            .select()
            .from(urls)
            .where(eq(urls.scan_id, id))
            .orderBy(urls.fetched_at, idBytes(urls.id));
        }
        return n;
      }
      const scanById = orm
        .select()
        .from(scans)
        .where(eq(scans.id, sql.placeholder("id")))
        .prepare("drizzle_scan_by_id");
      const findingsOf = orm
        .select()
        .from(findings)
        .where(eq(findings.scan_id, sql.placeholder("id")))
        .orderBy(severityRank, idBytes(findings.id))
        .prepare("drizzle_findings_of_scan");
      const urlsOf = orm
        .select()
        .from(urls)
        .where(eq(urls.scan_id, sql.placeholder("id")))
        .orderBy(urls.fetched_at, idBytes(urls.id))
        .prepare("drizzle_urls_of_scan");
      for (const id of ids) {
        const [scan] = await scanById.execute({ id });
        if (scan === undefined) continue;
        n += (await findingsOf.execute({ id })).length;
        await urlsOf.execute({ id });
      }
      return n;
    },
  };

  async listRecent(times: number, limit: number): Promise<number> {
    const orm = this.#orm;
    let n = 0;
    if (!this.#prepared) {
      for (let k = 0; k < times; k++) {
        n += (
          await orm
            .select()
            .from(scans)
            .orderBy(desc(scans.created_at), sql`${scans.id} COLLATE "C" DESC`)
            .limit(limit)
            .offset(0)
        ).length;
      }
      return n;
    }
    const list = orm
      .select()
      .from(scans)
      .orderBy(desc(scans.created_at), sql`${scans.id} COLLATE "C" DESC`)
      .limit(sql.placeholder("limit"))
      .offset(sql.placeholder("offset"))
      .prepare("drizzle_list_recent");
    for (let k = 0; k < times; k++) n += (await list.execute({ limit, offset: 0 })).length;
    return n;
  }
}

function placeholders(columns: readonly string[], prefix: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const c of columns) out[c] = sql.placeholder(`${prefix}${c}`);
  return out;
}
