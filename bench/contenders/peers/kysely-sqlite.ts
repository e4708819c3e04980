/**
 * Kysely on bun:sqlite. Kysely's own SqliteDialect expects a better-sqlite3-shaped database;
 * kysely-bun-sqlite (the usual adapter) declares kysely ^0.28 and so does not fit 0.29. The
 * few lines below are that adapter: each statement comes from bun:sqlite's cached `query()`, so
 * Kysely pays no re-preparation per call.
 */
import type { Database } from "bun:sqlite";
import { Kysely, type SqliteDatabase, SqliteDialect, type SqliteStatement } from "kysely";
import type { ScanWithFindings } from "../../fixtures.ts";
import { type KyselyTables, KyselyWorkloads } from "./kysely-db.ts";
import { openPeerDatabase, SqlitePeer } from "./sqlite-peer.ts";

type Param = string | number | bigint | boolean | null | Uint8Array;

function bunSqliteForKysely(db: Database): SqliteDatabase {
  return {
    close: () => {},
    prepare(text: string): SqliteStatement {
      const statement = db.query(text);
      return {
        reader: statement.columnNames.length > 0,
        all: (parameters) => statement.all(...(parameters as Param[])),
        run: (parameters) => statement.run(...(parameters as Param[])),
        iterate: (parameters) => statement.iterate(...(parameters as Param[])),
      };
    },
  };
}

export class KyselySqlite extends SqlitePeer {
  readonly label = "kysely";
  readonly title = "Kysely";
  readonly #kysely: Kysely<KyselyTables>;
  readonly #work: KyselyWorkloads;

  constructor(path: string) {
    const db = openPeerDatabase(path);
    super(db);
    this.#kysely = new Kysely<KyselyTables>({
      dialect: new SqliteDialect({ database: bunSqliteForKysely(db) }),
    });
    this.#work = new KyselyWorkloads(this.#kysely, "COLLATE BINARY");
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

  override async close(): Promise<void> {
    await this.#kysely.destroy();
    await super.close();
  }
}
