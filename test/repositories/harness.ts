/*
 * Runs one repository suite against each backend: a migrated SQLite file in a temp dir and a
 * migrated throwaway PostgreSQL database. Suites are written once against `RepoContext`.
 */
import { afterAll, beforeAll, describe } from "bun:test";
import type { DatabaseBackend } from "../../src/backends/database-backend.ts";
import { SQLiteBackend } from "../../src/backends/sqlite/sqlite-backend.ts";
import { runMigrations } from "../../src/migrate/index.ts";
import { createRepositories, type Repositories } from "../../src/repositories/index.ts";
import { describePostgres } from "../support/postgres.ts";
import { makeTempDir } from "../support/temp-dir.ts";

export interface RepoContext {
  db: DatabaseBackend;
  repos: Repositories;
}

export async function openSqlite(file: string): Promise<DatabaseBackend> {
  const db = await SQLiteBackend.open(file);
  await runMigrations(db);
  return db;
}

export async function openPostgres(url: string): Promise<DatabaseBackend> {
  // Imported lazily: the `postgres` package is optional for the project.
  const { PostgresDatabase } = await import("../../src/backends/postgres/postgres-database.ts");
  const db = await PostgresDatabase.create(url, { min: 1, max: 4 });
  await runMigrations(db);
  return db;
}

export function describeEachBackend(title: string, body: (ctx: () => RepoContext) => void): void {
  describe(`${title} [sqlite]`, () => {
    const tmp = makeTempDir("malwar-repo-");
    let ctx: RepoContext | undefined;
    beforeAll(async () => {
      const db = await openSqlite(tmp.file("repo.db"));
      ctx = { db, repos: createRepositories(db) };
    });
    afterAll(async () => {
      await ctx?.db.close();
      tmp.cleanup();
    });
    body(() => required(ctx));
  });

  describePostgres(`${title} [postgres]`, (testDb) => {
    let ctx: RepoContext | undefined;
    beforeAll(async () => {
      const db = await openPostgres(testDb().url);
      ctx = { db, repos: createRepositories(db) };
    });
    afterAll(async () => {
      await ctx?.db.close();
    });
    body(() => required(ctx));
  });
}

function required(ctx: RepoContext | undefined): RepoContext {
  if (!ctx) throw new Error("backend not opened yet");
  return ctx;
}

/** ISO-8601 UTC with milliseconds, as every repository hands instants out. */
export const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

let counter = 0;
/** Ids unique within a run, so tests sharing a database never collide. */
export function uid(prefix: string): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter}`;
}

/** Awaits `promise` and returns what it threw (fails the test if it did not throw). */

export async function countRows(db: DatabaseBackend, table: string, where = "1 = 1", params: string[] = []) {
  const row = await db.fetchOne<{ n: number | bigint }>(
    `SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`,
    params,
  );
  return Number(row?.n ?? 0);
}
