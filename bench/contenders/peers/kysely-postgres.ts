/** Kysely on PostgreSQL through kysely-postgres-js (its dialect for postgres.js), W1–W3. */
import { Kysely } from "kysely";
import { PostgresJSDialect } from "kysely-postgres-js";
import type postgres from "postgres";
import type { ScanWithFindings } from "../../fixtures.ts";
import { type KyselyTables, KyselyWorkloads } from "./kysely-db.ts";
import { openPeerPool, PostgresPeer } from "./postgres-peer.ts";

export class KyselyPostgres extends PostgresPeer {
  readonly label = "kysely";
  readonly title = "Kysely";
  readonly #kysely: Kysely<KyselyTables>;
  readonly #work: KyselyWorkloads;

  private constructor(pool: postgres.Sql) {
    super(pool);
    this.#kysely = new Kysely<KyselyTables>({ dialect: new PostgresJSDialect({ postgres: pool }) });
    this.#work = new KyselyWorkloads(this.#kysely, 'COLLATE "C"');
  }

  static async open(url: string, poolSize: number): Promise<KyselyPostgres> {
    return new KyselyPostgres(await openPeerPool(url, poolSize));
  }

  recordScans(items: readonly ScanWithFindings[]): Promise<void> {
    return this.#work.recordScans(items);
  }

  readonly getVariants = {
    "scan + findings + url_analysis": (ids: readonly string[]) => this.#work.getScanWithDetails(ids),
  };

  listRecent(times: number, limit: number): Promise<number> {
    return this.#work.listRecent(times, limit);
  }

  // Kysely ends the pool it was given.
  override async close(): Promise<void> {
    await this.#kysely.destroy();
  }
}
