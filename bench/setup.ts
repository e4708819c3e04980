/**
 * Opens the contenders of a backend on their own, identically migrated databases: a file each in
 * a temp dir for SQLite, a throwaway database each for PostgreSQL. Raw and ours on both backends,
 * and the peers on both: Bun's built-in SQL client, Drizzle ORM (default and `.prepare()`) and
 * Kysely. The raw side's and the peers' databases are migrated through the project too, so all
 * start from the same schema.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DatabaseBackend } from "../src/backends/database-backend.ts";
import { SQLiteBackend } from "../src/backends/sqlite/sqlite-backend.ts";
import { runMigrations } from "../src/migrate/index.ts";
import type { Contender } from "./contender.ts";
import { Ours } from "./contenders/ours.ts";
import { RawSqlite } from "./contenders/raw-sqlite.ts";
import type { BenchBackend } from "./options.ts";
import { createThrowaway } from "./pg-databases.ts";

export interface Opened {
  raw: Contender;
  ours: Contender;
  /** Other clients doing raw's SQL (PostgreSQL: Bun SQL); none on SQLite. */
  peers: Contender[];
  close(): Promise<void>;
}

export interface Place {
  /** What the backend is opened on: a file path or a database URL. */
  target: string;
  dispose(): Promise<void>;
}

/** A fresh, empty place for a database of `backend`, removed by `dispose`. */
export async function freshPlace(backend: BenchBackend, label: string, adminUrl: string): Promise<Place> {
  if (backend === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), `malwar-bench-${label}-`));
    return {
      target: join(dir, `${label}.db`),
      dispose: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const db = await createThrowaway(adminUrl, label);
  return { target: db.url, dispose: () => db.drop() };
}

/** The project's backend on `place`, migrated. */
export async function openOurs(
  backend: BenchBackend,
  place: Place,
  poolSize: number,
  poolMin: number = poolSize,
): Promise<DatabaseBackend> {
  let db: DatabaseBackend;
  if (backend === "sqlite") db = await SQLiteBackend.open(place.target);
  else {
    // Loaded only when PostgreSQL is benchmarked, as the project loads its driver.
    const { PostgresDatabase } = await import("../src/backends/postgres/postgres-database.ts");
    db = await PostgresDatabase.create(place.target, { min: poolMin, max: poolSize });
  }
  await runMigrations(db);
  return db;
}

/** The peers of each backend, by label: each gets its own freshly migrated database. */
const PEERS: Record<BenchBackend, readonly string[]> = {
  sqlite: ["bunsql", "drizzle", "drizzleprep", "kysely"],
  postgres: ["bunsql", "drizzle", "drizzleprep", "kysely"],
};

async function openPeer(
  backend: BenchBackend,
  name: string,
  target: string,
  poolSize: number,
): Promise<Contender> {
  if (backend === "sqlite") {
    switch (name) {
      case "bunsql":
        return (await import("./contenders/peers/bun-sql-sqlite.ts")).BunSqlSqlitePeer.open(target);
      case "drizzle":
      case "drizzleprep":
        return new (await import("./contenders/peers/drizzle-sqlite.ts")).DrizzleSqlite(
          target,
          name === "drizzleprep",
        );
      default:
        return new (await import("./contenders/peers/kysely-sqlite.ts")).KyselySqlite(target);
    }
  }
  switch (name) {
    case "bunsql":
      return (await import("./contenders/bun-sql.ts")).BunSqlPeer.open(target, poolSize);
    case "drizzle":
    case "drizzleprep":
      return (await import("./contenders/peers/drizzle-postgres.ts")).DrizzlePostgres.open(
        target,
        poolSize,
        name === "drizzleprep",
      );
    default:
      return (await import("./contenders/peers/kysely-postgres.ts")).KyselyPostgres.open(target, poolSize);
  }
}

export async function openContenders(
  backend: BenchBackend,
  adminUrl: string,
  poolSize: number,
  withPeers = true,
): Promise<Opened> {
  const rawPlace = await freshPlace(backend, "raw", adminUrl);
  const oursPlace = await freshPlace(backend, "ours", adminUrl);
  const peerNames = withPeers ? PEERS[backend] : [];
  const peerPlaces: Place[] = [];
  for (const name of peerNames) peerPlaces.push(await freshPlace(backend, name, adminUrl));
  // The raw side's and the peers' schema comes from the same migrations; then the project lets go.
  for (const place of [rawPlace, ...peerPlaces]) await (await openOurs(backend, place, 1)).close();
  let raw: Contender;
  if (backend === "sqlite") raw = new RawSqlite(rawPlace.target);
  else {
    const { RawPostgres } = await import("./contenders/raw-postgres.ts");
    raw = await RawPostgres.open(rawPlace.target, poolSize);
  }
  const peers: Contender[] = [];
  for (const [k, name] of peerNames.entries())
    peers.push(await openPeer(backend, name, (peerPlaces[k] as Place).target, poolSize));
  const ours = new Ours(await openOurs(backend, oursPlace, poolSize));
  return {
    raw,
    ours,
    peers,
    async close() {
      await raw.close();
      await ours.close();
      for (const p of peers) await p.close();
      await rawPlace.dispose();
      await oursPlace.dispose();
      for (const place of peerPlaces) await place.dispose();
    },
  };
}
