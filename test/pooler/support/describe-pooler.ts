/**
 * `describe` for the pooler suite: one PgBouncer (transaction mode, stock settings) per file in
 * front of the shared PostgreSQL, and a throwaway database reached through it. Without pgbouncer
 * or PostgreSQL: fails under CI=true (`.ci/run` installs pgbouncer), skips loudly elsewhere.
 */
import { afterAll, beforeAll, describe, test } from "bun:test";
import { createTestDatabase, postgresReachable, type TestDatabase } from "../../support/postgres.ts";
import { PGBOUNCER_BIN, type PgBouncer, pgbouncerInstalled, startPgBouncer } from "./pgbouncer.ts";

export interface PoolerContext {
  bouncer: PgBouncer;
  /** The database, directly (for independent checks). */
  direct: TestDatabase;
  /** The same database through PgBouncer. */
  url: string;
}

const inCI = process.env.CI === "true" || process.env.CI === "1";

export function describePooler(name: string, body: (ctx: () => PoolerContext) => void): void {
  const missing = !pgbouncerInstalled()
    ? `pgbouncer not found at ${PGBOUNCER_BIN}`
    : !postgresReachable
      ? "PostgreSQL is not reachable"
      : null;
  if (missing !== null) {
    if (inCI) {
      describe(name, () => {
        test("pgbouncer and PostgreSQL are available", () => {
          throw new Error(`${missing}; CI=true requires it`);
        });
      });
      return;
    }
    console.warn(`\n!!! ${missing}: the pooler suite is SKIPPED !!!\n`);
    describe.skip(name, () => body(() => unavailable()));
    return;
  }
  describe(name, () => {
    let ctx: PoolerContext | undefined;
    beforeAll(async () => {
      const direct = await createTestDatabase("malwar_pooler");
      const bouncer = await startPgBouncer();
      ctx = { bouncer, direct, url: bouncer.url(direct.name) };
    });
    afterAll(async () => {
      await ctx?.bouncer.stop();
      await ctx?.direct.drop();
    });
    body(() => ctx ?? unavailable());
  });
}

function unavailable(): never {
  throw new Error("the pooler is not available");
}
