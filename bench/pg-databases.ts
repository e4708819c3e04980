/**
 * Throwaway PostgreSQL databases for the benchmark: created per run with a random name and dropped
 * at the end, also when the run is interrupted, so nothing is left on the server.
 */
import postgres from "postgres";

export interface ThrowawayDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

const live = new Set<ThrowawayDatabase>();

function admin(adminUrl: string) {
  return postgres(adminUrl, { max: 1, onnotice: () => {}, connect_timeout: 5 });
}

export async function postgresReachable(adminUrl: string): Promise<boolean> {
  const sql = admin(adminUrl);
  try {
    await sql`select 1`;
    return true;
  } catch {
    return false;
  } finally {
    await sql.end({ timeout: 1 }).catch(() => {});
  }
}

export async function createThrowaway(adminUrl: string, label: string): Promise<ThrowawayDatabase> {
  const name = `malwar_bench_${label}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 7)}`;
  const sql = admin(adminUrl);
  try {
    await sql.unsafe(`CREATE DATABASE "${name}"`);
  } finally {
    await sql.end({ timeout: 2 });
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db: ThrowawayDatabase = {
    name,
    url: url.toString(),
    async drop() {
      live.delete(db);
      const a = admin(adminUrl);
      try {
        await a.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await a.end({ timeout: 2 });
      }
    },
  };
  live.add(db);
  return db;
}

export async function dropAllThrowaways(): Promise<void> {
  for (const db of [...live]) await db.drop().catch(() => {});
}
