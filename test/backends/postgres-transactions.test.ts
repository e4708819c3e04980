import { afterAll, beforeAll, expect, test } from "bun:test";
import postgres from "postgres";
import type { PostgresDatabase } from "../../src/backends/postgres/index.ts";
import { StorageError } from "../../src/errors/index.ts";
import { describePostgres } from "../support/postgres.ts";
import { rejectionOf } from "../support/rejection.ts";
import { openPool, uniqueAppName, waitFor } from "./postgres-support.ts";

describePostgres("postgres transactions", (getDb) => {
  let db: PostgresDatabase;
  beforeAll(async () => {
    db = await openPool(getDb().url, { min: 2, max: 4, applicationName: uniqueAppName("tx") });
    await db.execute("create table t (id int primary key, note text)");
  });
  afterAll(async () => {
    await db?.close();
  });

  test("only tx runs inside: one connection for tx, the outer backend on others and outside it", async () => {
    await db.execute("delete from t");
    const outerSeen: unknown[] = [];
    const pids = await db.transaction(async (tx) => {
      const a = await tx.fetchOne<{ pid: number }>("select pg_backend_pid() as pid");
      await tx.execute("insert into t values (?, ?)", [1, "in tx"]);
      // The outer backend runs elsewhere, outside the transaction: it cannot see the row yet.
      outerSeen.push(await db.fetchOne("select count(*) as n from t"));
      const outer = await db.fetchOne<{ pid: number; xact: unknown }>(
        "select pg_backend_pid() as pid, txid_current_if_assigned() as xact",
      );
      const b = await tx.fetchOne<{ pid: number }>("select pg_backend_pid() as pid");
      return { inside: [a?.pid, b?.pid], outer: outer?.pid, outerXact: outer?.xact };
    });
    expect(pids.inside[0]).toBe(pids.inside[1] as number);
    expect(pids.outer).not.toBe(pids.inside[0] as number);
    expect(pids.outerXact).toBeNull();
    expect(outerSeen).toEqual([{ n: 0 }]);
    expect(await db.fetchOne("select count(*) as n from t")).toEqual({ n: 1 });
  });

  test("a throw after several awaits rolls everything back and rejects with that same error", async () => {
    await db.execute("delete from t");
    const boom = new Error("boom after await");
    const error = await rejectionOf(
      db.transaction(async (tx) => {
        await tx.execute("insert into t values (?, ?)", [1, "a"]);
        await Bun.sleep(5);
        await tx.execute("insert into t values (?, ?)", [2, "b"]);
        await tx.fetchAll("select * from t");
        throw boom;
      }),
    );
    expect(error).toBe(boom);
    expect(await db.fetchOne("select count(*) as n from t")).toEqual({ n: 0 });
  });

  test("nested transaction is a savepoint: the inner failure undoes only the inner writes", async () => {
    await db.execute("delete from t");
    await db.transaction(async (tx) => {
      await tx.execute("insert into t values (?, ?)", [1, "outer"]);
      const inner = await rejectionOf(
        tx.transaction(async (inner) => {
          await inner.execute("insert into t values (?, ?)", [2, "inner"]);
          await inner.execute("insert into t values (?, ?)", [1, "duplicate"]);
        }),
      );
      expect((inner as StorageError).code).toBe("UNIQUE_VIOLATION");
      await tx.execute("insert into t values (?, ?)", [3, "after"]);
    });
    expect(await db.fetchAll("select id from t order by id")).toEqual([{ id: 1 }, { id: 3 }]);
  });

  test("a tx kept after its transaction ended is refused", async () => {
    let kept: { execute: (q: string) => Promise<unknown> } | undefined;
    await db.transaction(async (tx) => {
      kept = tx;
    });
    const error = await rejectionOf(
      (kept as { execute: (q: string) => Promise<unknown> }).execute("select 1"),
    );
    expect(error).toBeInstanceOf(StorageError);
    expect((error as StorageError).code).toBe("TRANSACTION_ENDED");
  });

  test("a swallowed statement error still prevents the commit", async () => {
    await db.execute("delete from t");
    await db.execute("insert into t values (1, 'x')");
    const error = await rejectionOf(
      db.transaction(async (tx) => {
        await tx.execute("insert into t values (?, ?)", [2, "y"]);
        await tx.execute("insert into t values (?, ?)", [1, "dup"]).catch(() => {});
      }),
    );
    expect(error).toBeInstanceOf(StorageError);
    expect(await db.fetchAll("select id from t order by id")).toEqual([{ id: 1 }]);
  });

  test("lockForMigration: refused outside a transaction; inside, a second runner waits for the first", async () => {
    const outside = await rejectionOf(db.lockForMigration());
    expect((outside as StorageError).code).toBe("NOT_IN_TRANSACTION");

    const other = await openPool(getDb().url, { min: 1, max: 1, applicationName: uniqueAppName("lock") });
    const observer = postgres(getDb().url, { max: 1, onnotice: () => {} });
    try {
      const order: string[] = [];
      let release!: () => void;
      const held = new Promise<void>((r) => {
        release = r;
      });
      const first = db.transaction(async (tx) => {
        await tx.lockForMigration();
        order.push("first locked");
        await held;
        order.push("first done");
      });
      await waitFor(
        async () => order.length,
        (n) => n === 1,
      );
      const second = other.transaction(async (tx) => {
        await tx.lockForMigration();
        order.push("second locked");
      });
      // The second runner is seen waiting on the advisory lock before the first lets go.
      await waitFor(
        async () => {
          const rows =
            await observer`select count(*)::int as n from pg_locks where locktype = 'advisory' and not granted and database = (select oid from pg_database where datname = current_database())`;
          return (rows[0] as { n: number }).n;
        },
        (n) => n === 1,
      );
      expect(order).toEqual(["first locked"]);
      release();
      await Promise.all([first, second]);
      expect(order).toEqual(["first locked", "first done", "second locked"]);
      // Transaction-scoped: nothing is left held.
      const [left] =
        await observer`select count(*)::int as n from pg_locks where locktype = 'advisory' and database = (select oid from pg_database where datname = current_database())`;
      expect((left as { n: number }).n).toBe(0);
    } finally {
      await observer.end({ timeout: 2 });
      await other.close();
    }
  });
});
