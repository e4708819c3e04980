import type { DatabaseBackend } from "../../../src/backends/database-backend.ts";
import { createBackend } from "../../../src/storage/index.ts";

/** A migrated SQLite backend on a file (not :memory:, so WAL and real file locking are exercised). */
export function openSqlite(path: string): Promise<DatabaseBackend> {
  return createBackend({ backend: "sqlite", dbPath: path });
}

export function openPostgres(url: string, poolMax = 5): Promise<DatabaseBackend> {
  return createBackend({
    backend: "postgres",
    postgresUrl: url,
    postgresPoolMin: 1,
    postgresPoolMax: poolMax,
  });
}

/** Row counts of the tables a request could write to, to prove a failed request wrote nothing. */
export async function tableCounts(backend: DatabaseBackend): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of [
    "scans",
    "findings",
    "url_analysis",
    "signatures",
    "campaigns",
    "audit_log",
    "api_keys",
  ]) {
    const row = await backend.fetchOne<{ n: unknown }>(`SELECT COUNT(*) AS n FROM ${table}`);
    out[table] = Number(row?.n);
  }
  return out;
}
