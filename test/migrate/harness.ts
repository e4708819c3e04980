/**
 * One test body, run per dialect. Each test asks for its own fresh database (a temp SQLite file
 * or a throwaway PostgreSQL database), opens backends on it in-process, or drives
 * `bun run migrate` against it through MALWAR_* variables.
 */
import { describe } from "bun:test";
import { cpSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { DatabaseBackend } from "../../src/backends/database-backend.ts";
import { SQLiteBackend } from "../../src/backends/sqlite/sqlite-backend.ts";
import type { BackendName } from "../../src/config/index.ts";
import { DEFAULT_MIGRATIONS_ROOT, loadMigrationFiles } from "../../src/migrate/index.ts";
import { createTestDatabase, describePostgres } from "../support/postgres.ts";
import { makeTempDir } from "../support/temp-dir.ts";

export const PROJECT_ROOT: string = join(import.meta.dir, "../..");

/**
 * The project's own migrations (the same versions and names on both dialects), so that tests
 * expect whatever the migrations folder holds rather than a copy of its list.
 */
export const PROJECT_MIGRATIONS: readonly { version: number; name: string }[] = (
  await loadMigrationFiles(join(DEFAULT_MIGRATIONS_ROOT, "sqlite"))
).map(({ version, name }) => ({ version, name }));
export const PROJECT_VERSIONS: readonly number[] = PROJECT_MIGRATIONS.map((m) => m.version);

/** The versions a database made by the Python malwar has applied. */
export const PYTHON_VERSIONS: readonly number[] = [1, 2, 3, 4, 5];

/**
 * The version of the scratch files tests add on top of the project's: far above any real one, so
 * new project migrations never collide with it.
 */
export const SCRATCH_VERSION = 900;

export interface FreshDatabase {
  dialect: BackendName;
  open(): Promise<DatabaseBackend>;
  /** MALWAR_* variables that point `bun run migrate` at this database. */
  env: Record<string, string>;
  drop(): Promise<void>;
}

export interface Dialect {
  name: BackendName;
  fresh(): Promise<FreshDatabase>;
}

const sqlite: Dialect = {
  name: "sqlite",
  async fresh() {
    const dir = makeTempDir("malwar-migrate-");
    const path = dir.file("malwar.db");
    return {
      dialect: "sqlite",
      open: () => SQLiteBackend.open(path),
      env: { MALWAR_DB_BACKEND: "sqlite", MALWAR_DB_PATH: path },
      drop: async () => dir.cleanup(),
    };
  },
};

const postgres: Dialect = {
  name: "postgres",
  async fresh() {
    const db = await createTestDatabase("malwar_migrate");
    return {
      dialect: "postgres",
      open: async () => {
        // Imported on first use so the SQLite half runs without the PostgreSQL driver loaded.
        const { PostgresDatabase } = await import("../../src/backends/postgres/postgres-database.ts");
        return PostgresDatabase.create(db.url, { min: 1, max: 4 });
      },
      env: {
        MALWAR_DB_BACKEND: "postgres",
        MALWAR_POSTGRES_URL: db.url,
        MALWAR_POSTGRES_POOL_MIN: "1",
        MALWAR_POSTGRES_POOL_MAX: "4",
      },
      drop: () => db.drop(),
    };
  },
};

export const DIALECTS: Readonly<Record<BackendName, Dialect>> = { sqlite, postgres };

/** Declares `body` once per dialect; the PostgreSQL half follows describePostgres (skip or fail in CI). */
export function eachDialect(title: string, body: (dialect: Dialect) => void): void {
  describe(`${title} [sqlite]`, () => body(sqlite));
  describePostgres(`${title} [postgres]`, () => body(postgres));
}

/** Runs `fn` with a fresh database and a backend open on it; both are gone afterwards. */
export async function withFresh<T>(
  dialect: Dialect,
  fn: (backend: DatabaseBackend, db: FreshDatabase) => Promise<T>,
): Promise<T> {
  const db = await dialect.fresh();
  try {
    const backend = await db.open();
    try {
      return await fn(backend, db);
    } finally {
      await backend.close();
    }
  } finally {
    await db.drop();
  }
}

/**
 * A scratch migrations root (`<root>/<dialect>/…`) holding copies of the project's files for
 * `dialect`, optionally without some versions, plus extra files. `cleanup` removes it.
 */
export function scratchMigrations(
  dialect: BackendName,
  extra: Record<string, string> = {},
  options: { without?: number[] } = {},
): { root: string; dir: string; write(name: string, sql: string): void; cleanup(): void } {
  const tmp = makeTempDir("malwar-migrations-");
  const dir = join(tmp.path, dialect);
  mkdirSync(dir);
  const source = join(DEFAULT_MIGRATIONS_ROOT, dialect);
  for (const file of readdirSync(source)) {
    if (options.without?.includes(Number.parseInt(file, 10))) continue;
    cpSync(join(source, file), join(dir, file));
  }
  const write = (name: string, sql: string) => writeFileSync(join(dir, name), sql);
  for (const [name, sql] of Object.entries(extra)) write(name, sql);
  return { root: tmp.path, dir, write, cleanup: tmp.cleanup };
}

export interface CliResult {
  exitCode: number | null;
  signalCode: string | null;
  stdout: string;
  stderr: string;
}

/** Starts `bun run migrate …` with exactly the given MALWAR_* settings on top of the environment. */
export function spawnMigrate(args: string[], env: Record<string, string>) {
  return Bun.spawn(["bun", "run", "src/cli/migrate.ts", ...args], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...env },
    stdout: "pipe",
    stderr: "pipe",
  });
}

export async function runMigrate(args: string[], env: Record<string, string>): Promise<CliResult> {
  const proc = spawnMigrate(args, env);
  const [stdout, stderr] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
  ]);
  await proc.exited;
  return {
    exitCode: proc.exitCode,
    signalCode: proc.signalCode === null ? null : String(proc.signalCode),
    stdout,
    stderr,
  };
}

export async function count(backend: DatabaseBackend, table: string): Promise<number> {
  const row = await backend.fetchOne<{ n: number | bigint }>(`SELECT COUNT(*) AS n FROM ${table}`);
  return Number(row?.n ?? 0);
}

export async function recordedVersions(backend: DatabaseBackend): Promise<number[]> {
  const rows = await backend.fetchAll<{ version: number }>(
    "SELECT version FROM schema_migrations ORDER BY version",
  );
  return rows.map((r) => Number(r.version));
}

export async function tableExists(backend: DatabaseBackend, table: string): Promise<boolean> {
  const query =
    backend.backendName === "sqlite"
      ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?"
      : "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?";
  return (await backend.fetchOne(query, [table])) !== null;
}
