/**
 * The PostgreSQL backend through PgBouncer 1.18 in transaction mode with a stock configuration:
 * what it detects, the backend contract with prepared statements on and off, no statement left
 * unanswered, no acknowledged transaction lost, the statement timeout enforced, a missing
 * database refused at once.
 */
import { expect, setDefaultTimeout, test } from "bun:test";
import { PostgresDatabase } from "../../src/backends/postgres/index.ts";
import { StorageError } from "../../src/errors/index.ts";
import { backendContract } from "../backends/contract.ts";
import { adminClient } from "../support/postgres.ts";
import { describePooler } from "./support/describe-pooler.ts";
import { startPgBouncer } from "./support/pgbouncer.ts";

setDefaultTimeout(120_000);

describePooler("postgres backend through pgbouncer (transaction mode)", (ctx) => {
  for (const prepare of [true, false]) {
    backendContract(
      `pgbouncer, prepare=${prepare}`,
      () => PostgresDatabase.create(ctx().url, { min: 1, max: 4, prepare, applicationName: "malwar_pooler" }),
      "postgres",
    );
  }

  test("the pooler is detected; directly, nothing is", async () => {
    const pooled = await PostgresDatabase.create(ctx().url, { min: 1, max: 2, prepare: false });
    const direct = await PostgresDatabase.create(ctx().direct.url, { min: 1, max: 2 });
    try {
      expect(pooled.route).toEqual({ transactionPooled: true, startupTimeout: false, inRecovery: false });
      expect(direct.route).toEqual({ transactionPooled: false, startupTimeout: true, inRecovery: false });
    } finally {
      await pooled.close();
      await direct.close();
    }
  });

  test("opened together, as several processes start at once, every backend detects the pooler", async () => {
    // Other clients take and release server processes between the probe's steps: one round of it
    // was fooled 2 times in 8 by four `bun run migrate` at once (prepared statements stayed on).
    const opened = await Promise.all(
      Array.from({ length: 12 }, () =>
        PostgresDatabase.create(ctx().url, { min: 1, max: 2, prepare: false }),
      ),
    );
    const direct = await Promise.all(
      Array.from({ length: 4 }, () => PostgresDatabase.create(ctx().direct.url, { min: 1, max: 2 })),
    );
    try {
      expect(opened.map((db) => db.route.transactionPooled)).toEqual(opened.map(() => true));
      expect(direct.map((db) => db.route.transactionPooled)).toEqual(direct.map(() => false));
    } finally {
      await Promise.all([...opened, ...direct].map((db) => db.close()));
    }
  });

  test("in session mode nothing is shared: no transaction pooling, the timeout travels per transaction", async () => {
    const session = await startPgBouncer({ poolMode: "session" });
    try {
      const db = await PostgresDatabase.create(session.url(ctx().direct.name), { min: 1, max: 2 });
      try {
        expect(db.route.transactionPooled).toBe(false);
        // Session mode refuses the startup parameter as well.
        expect(db.route.startupTimeout).toBe(false);
        expect(await db.transaction((tx) => tx.fetchOne("show statement_timeout"))).toEqual({
          statement_timeout: "30s",
        });
      } finally {
        await db.close();
      }
    } finally {
      await session.stop();
    }
  });

  for (const prepare of [true, false]) {
    test(`prepare=${prepare}: 400 concurrent statements on 4 connections are all answered`, async () => {
      const db = await PostgresDatabase.create(ctx().url, { min: 2, max: 4, prepare });
      try {
        const answers = await Promise.all(
          Array.from({ length: 400 }, (_, i) =>
            Promise.race([
              db.fetchOne<{ i: number }>("select ?::int as i", [i]).then((row) => row?.i),
              Bun.sleep(15_000).then(() => "unanswered"),
            ]),
          ),
        );
        expect(answers).toEqual(Array.from({ length: 400 }, (_, i) => i));
      } finally {
        await db.close();
      }
    });

    test(`prepare=${prepare}: every transaction reported committed is stored`, async () => {
      const db = await PostgresDatabase.create(ctx().url, { min: 2, max: 4, prepare });
      const table = `tx_${prepare}_${Math.random().toString(36).slice(2, 8)}`;
      try {
        await db.execute(`create table ${table} (id int primary key, a int not null)`);
        const committed: number[] = [];
        let failed = 0;
        await Promise.all(
          Array.from({ length: 20 }, async (_, worker) => {
            for (let i = 0; i < 50; i++) {
              const id = worker * 1000 + i;
              try {
                await db.transaction(async (tx) => {
                  await tx.execute(`insert into ${table} values (?, 1)`, [id]);
                  await tx.execute(`update ${table} set a = 2 where id = ?`, [id]);
                });
                committed.push(id);
              } catch {
                failed++;
              }
            }
          }),
        );
        const admin = adminClient(ctx().direct.url);
        try {
          const rows = await admin.unsafe(`select id, a from ${table} order by id`);
          expect(rows.map((r) => r.id)).toEqual(committed.sort((a, b) => a - b));
          expect(rows.every((r) => r.a === 2)).toBe(true);
          expect(failed).toBe(0);
        } finally {
          await admin.end({ timeout: 2 });
        }
      } finally {
        await db.close();
      }
    });
  }

  test("the statement timeout is enforced without a startup parameter: auto-commit and in a transaction", async () => {
    const db = await PostgresDatabase.create(ctx().url, { min: 1, max: 2, statementTimeout: 500 });
    try {
      const outran = await db.fetchOne("select pg_sleep(5)").catch((e: unknown) => e);
      expect(outran).toBeInstanceOf(StorageError);
      expect((outran as StorageError & { driverCode?: string }).driverCode).toBe("57014");
      const inTx = await db.transaction((tx) => tx.fetchOne("select pg_sleep(5)")).catch((e: unknown) => e);
      expect((inTx as StorageError & { driverCode?: string }).driverCode).toBe("57014");
      expect(await db.transaction((tx) => tx.fetchOne("show statement_timeout"))).toEqual({
        statement_timeout: "500ms",
      });
      // The pool still works after the cancels.
      expect(await db.fetchOne("select 1 as ok")).toEqual({ ok: 1 });
    } finally {
      await db.close();
    }
  });

  test("a database PgBouncer does not know fails at once with a clear line", async () => {
    const started = performance.now();
    const error = await PostgresDatabase.create(ctx().bouncer.url("malwar_no_such_database"), {
      min: 1,
      max: 2,
      connectTimeout: 30,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageError);
    expect((error as Error).message).toMatch(/database "malwar_no_such_database" does not exist/);
    // Hang bound, not a speed figure: retried for 30 s it would take 30 s.
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
