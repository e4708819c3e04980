/**
 * What the Kysely peers share: the tables as Kysely sees them (every column a scalar; the
 * workloads bind the raw side's values), and the W1–W3 queries written once with its builder,
 * the way its documentation writes them. Only the dialect differs between SQLite and PostgreSQL:
 * the byte-order collation of ids, and what opens the connection.
 */
import { type Kysely, sql } from "kysely";
import type { ScanWithFindings } from "../../fixtures.ts";
import { dbInstant } from "../statements.ts";
import { findingRecords, SEVERITY_RANK, scanRecord } from "./peer-rows.ts";

type Columns = Record<string, string | number | boolean | null>;
export interface KyselyTables {
  scans: Columns;
  findings: Columns;
  url_analysis: Columns;
}

export class KyselyWorkloads {
  readonly #db: Kysely<KyselyTables>;
  readonly #byteOrder: ReturnType<typeof sql.raw>;

  constructor(db: Kysely<KyselyTables>, byteOrder: "COLLATE BINARY" | 'COLLATE "C"') {
    this.#db = db;
    this.#byteOrder = sql.raw(byteOrder);
  }

  async recordScans(items: readonly ScanWithFindings[]): Promise<void> {
    for (const item of items) {
      const now = dbInstant(new Date());
      const scan = scanRecord(item, now);
      const rows = findingRecords(item, now);
      await this.#db.transaction().execute(async (tx) => {
        await tx.insertInto("scans").values(scan).execute();
        if (rows.length > 0) await tx.insertInto("findings").values(rows).execute();
      });
    }
  }

  async getScanWithDetails(ids: readonly string[]): Promise<number> {
    const db = this.#db;
    let n = 0;
    for (const id of ids) {
      const scan = await db.selectFrom("scans").selectAll().where("id", "=", id).executeTakeFirst();
      if (scan === undefined) continue;
      n += (
        await db
          .selectFrom("findings")
          .selectAll()
          .where("scan_id", "=", id)
          .orderBy(sql.raw(SEVERITY_RANK))
          .orderBy(sql`id ${this.#byteOrder}`)
          .execute()
      ).length;
      await db
        .selectFrom("url_analysis")
        .selectAll()
        .where("scan_id", "=", id)
        .orderBy("fetched_at")
        .orderBy(sql`id ${this.#byteOrder}`)
        .execute();
    }
    return n;
  }

  async listRecent(times: number, limit: number): Promise<number> {
    let n = 0;
    for (let k = 0; k < times; k++) {
      n += (
        await this.#db
          .selectFrom("scans")
          .selectAll()
          .orderBy("created_at", "desc")
          .orderBy(sql`id ${this.#byteOrder} DESC`)
          .limit(limit)
          .offset(0)
          .execute()
      ).length;
    }
    return n;
  }
}
