/**
 * Throwaway PostgreSQL databases for tests: each suite gets CREATE DATABASE with a random name,
 * dropped afterwards, so parallel runs never see each other's data.
 *
 * The server is found through MALWAR_TEST_POSTGRES_URL (default: the local trust-auth cluster).
 * When it cannot be reached: under CI=true the PostgreSQL half fails; elsewhere it is skipped,
 * with a loud line saying so.
 */
import { afterAll, beforeAll, describe, test } from "bun:test";
import postgres from "postgres";

export const ADMIN_URL =
  process.env.MALWAR_TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

async function probe(): Promise<boolean> {
  const admin = postgres(ADMIN_URL, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await admin`select 1`;
    return true;
  } catch {
    return false;
  } finally {
    await admin.end({ timeout: 1 }).catch(() => {});
  }
}

export const postgresReachable: boolean = await probe();
const inCI = process.env.CI === "true" || process.env.CI === "1";
let warned = false;

/** Opens an admin connection (to the `postgres` database) for setup and independent checks. */
export function adminClient(url: string = ADMIN_URL) {
  return postgres(url, { max: 2, onnotice: () => {} });
}

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

export function databaseUrl(name: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function createTestDatabase(prefix = "malwar_test"): Promise<TestDatabase> {
  const name = `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = adminClient();
  try {
    await admin.unsafe(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end({ timeout: 2 });
  }
  return {
    name,
    url: databaseUrl(name),
    async drop() {
      const a = adminClient();
      try {
        await a.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await a.end({ timeout: 2 });
      }
    },
  };
}

/**
 * `describe` for PostgreSQL-backed tests. Unreachable server: fail under CI, loud skip elsewhere.
 * The body gets a fresh database created before its tests and dropped after them.
 */
export function describePostgres(name: string, body: (db: () => TestDatabase) => void): void {
  if (!postgresReachable) {
    if (inCI) {
      describe(name, () => {
        test("PostgreSQL is reachable", () => {
          throw new Error(`PostgreSQL at ${ADMIN_URL} did not answer; CI=true requires it`);
        });
      });
      return;
    }
    if (!warned) {
      warned = true;
      console.warn(`\n!!! PostgreSQL at ${ADMIN_URL} is not reachable: PostgreSQL tests are SKIPPED !!!\n`);
    }
    describe.skip(name, () => body(() => unreachable()));
    return;
  }
  describe(name, () => {
    let db: TestDatabase | undefined;
    beforeAll(async () => {
      db = await createTestDatabase();
    });
    afterAll(async () => {
      await db?.drop();
    });
    body(() => {
      if (!db) throw new Error("test database not created yet");
      return db;
    });
  });
}

function unreachable(): never {
  throw new Error("PostgreSQL is not reachable");
}
