import { afterAll, beforeAll, expect, test } from "bun:test";
import postgres from "postgres";
import { adminClient, describePostgres } from "../support/postgres.ts";
import { type Admin, connectionCount, openPool, uniqueAppName, waitFor } from "./postgres-support.ts";

/**
 * A connection to the test database holding an advisory lock the pool's queries wait on, so that
 * they are all in flight while the test looks. Advisory locks are per database and per session.
 */
function lockHolder(url: string) {
  return Promise.resolve(postgres(url, { max: 1, onnotice: () => {} }));
}

describePostgres("postgres pool", (getDb) => {
  let admin: Admin;
  beforeAll(() => {
    admin = adminClient();
  });
  afterAll(async () => {
    await admin.end({ timeout: 2 });
  });

  test("min connections are open once create resolves", async () => {
    const app = uniqueAppName("pool_min");
    const db = await openPool(getDb().url, { min: 3, max: 5, applicationName: app });
    try {
      expect(await connectionCount(admin, getDb().name, app)).toBe(3);
      expect(db.poolStats()).toEqual({ open: 3, idle: 3, max: 5, waiting: 0 });
    } finally {
      await db.close();
    }
  });

  test("under 50 concurrent queries the pool opens max connections and never more", async () => {
    const app = uniqueAppName("pool_max");
    const db = await openPool(getDb().url, { min: 2, max: 4, applicationName: app });
    // Every query waits on a lock the admin holds, so all of them are in flight at once and
    // pg_stat_activity can be read while the pool is under its full load.
    const holder = await lockHolder(getDb().url);
    await holder`select pg_advisory_lock(424242)`;
    let queries: Promise<unknown>[] = [];
    try {
      queries = Array.from({ length: 50 }, (_, i) =>
        db.fetchOne("select pg_advisory_lock_shared(424242), pg_advisory_unlock_shared(424242), ? as i", [i]),
      );
      const waiting = await waitFor(
        async () => {
          const rows = await admin`
            select count(*)::int as n from pg_stat_activity
            where datname = ${getDb().name} and application_name = ${app} and wait_event_type = 'Lock'`;
          return (rows[0] as { n: number }).n;
        },
        (n) => n >= 4,
      );
      expect(waiting).toBe(4);
      expect(await connectionCount(admin, getDb().name, app)).toBe(4);
      // All four busy, the other 46 queued behind them: what /metrics shows as callers waiting.
      expect(db.poolStats()).toEqual({ open: 4, idle: 0, max: 4, waiting: 46 });
    } finally {
      await holder`select pg_advisory_unlock(424242)`;
      await holder.end({ timeout: 2 });
    }
    const rows = (await Promise.all(queries)) as { i: string }[];
    expect(rows.map((r) => Number(r.i))).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(await connectionCount(admin, getDb().name, app)).toBeLessThanOrEqual(4);
    await db.close();
  });

  test("idle connections above min are closed after idleTimeout; min stays open", async () => {
    const app = uniqueAppName("pool_idle");
    const db = await openPool(getDb().url, { min: 1, max: 4, idleTimeout: 1, applicationName: app });
    try {
      const holder = await lockHolder(getDb().url);
      await holder`select pg_advisory_lock(434343)`;
      const queries = Array.from({ length: 8 }, () =>
        db.execute("select pg_advisory_lock_shared(434343), pg_advisory_unlock_shared(434343)"),
      );
      await waitFor(
        () => connectionCount(admin, getDb().name, app),
        (n) => n === 4,
      );
      await holder`select pg_advisory_unlock(434343)`;
      await holder.end({ timeout: 2 });
      await Promise.all(queries);
      const settled = await waitFor(
        () => connectionCount(admin, getDb().name, app),
        (n) => n <= 1,
      );
      expect(settled).toBe(1);
      // The server can show a connection gone a moment before the driver reports its close.
      await waitFor(
        async () => db.poolStats().open,
        (n) => n <= 1,
      );
      expect(db.poolStats()).toEqual({ open: 1, idle: 1, max: 4, waiting: 0 });
      // The kept connection still serves.
      expect(await db.fetchOne<{ x: number }>("select 1 as x")).toEqual({ x: 1 });
    } finally {
      await db.close();
    }
  });

  test("kept connections the server drops are reopened in the background", async () => {
    const app = uniqueAppName("pool_rewarm");
    const db = await openPool(getDb().url, { min: 2, max: 3, applicationName: app });
    try {
      const old = await admin`select pid from pg_stat_activity where application_name = ${app}`;
      const oldPids = old.map((r) => (r as { pid: number }).pid);
      expect(oldPids.length).toBe(2);
      await admin`select pg_terminate_backend(pid) from pg_stat_activity where application_name = ${app}`;
      // No query is sent: the pool itself brings the minimum back, on new backends.
      const fresh = await waitFor(
        async () => {
          const rows = await admin`
            select pid from pg_stat_activity where application_name = ${app} and not (pid = any(${oldPids}))`;
          return { fresh: rows.length, open: db.poolStats().open };
        },
        (r) => r.fresh === 2 && r.open === 2,
      );
      expect(fresh).toEqual({ fresh: 2, open: 2 });
    } finally {
      await db.close();
    }
  });

  test("after pg_terminate_backend of all its connections, the next queries succeed on fresh ones", async () => {
    const app = uniqueAppName("pool_recover");
    const db = await openPool(getDb().url, { min: 2, max: 4, applicationName: app });
    try {
      await db.execute("create table recover_t (id int primary key, note text)");
      const before = await db.fetchAll<{ pid: number }>("select pg_backend_pid() as pid");
      const killed = await admin`
        select pg_terminate_backend(pid) as ok from pg_stat_activity where application_name = ${app}`;
      expect(killed.length).toBe(2);
      // Right away, before the pool has noticed: reads and writes, one after another and at once.
      for (let i = 0; i < 5; i++) {
        expect(await db.fetchOne<{ x: number }>("select ? :: int as x", [i])).toEqual({ x: i });
      }
      await db.execute("insert into recover_t values (?, ?)", [1, "after kill"]);
      await Promise.all(
        Array.from({ length: 10 }, (_, i) => db.execute("insert into recover_t values (?, ?)", [i + 2, "x"])),
      );
      expect(await db.fetchOne("select count(*) as n from recover_t")).toEqual({ n: 11 });
      const after = await db.fetchOne<{ pid: number }>("select pg_backend_pid() as pid");
      expect(before.map((r) => r.pid)).not.toContain(after?.pid);
      // A transaction right after a kill works too (its BEGIN lands on a dead socket first).
      await admin`select pg_terminate_backend(pid) from pg_stat_activity where application_name = ${app}`;
      const inTx = await db.transaction(async (tx) => {
        await tx.execute("insert into recover_t values (?, ?)", [100, "tx"]);
        return tx.fetchOne<{ n: number }>("select count(*) as n from recover_t");
      });
      expect(inTx).toEqual({ n: 12 });
    } finally {
      await db.close();
    }
  });

  test("close waits for an in-flight query and leaves no connection in pg_stat_activity", async () => {
    const app = uniqueAppName("pool_close");
    const db = await openPool(getDb().url, { min: 2, max: 4, applicationName: app });
    const holder = await lockHolder(getDb().url);
    await holder`select pg_advisory_lock(454545)`;
    const slow = db.fetchOne<{ done: boolean }>(
      "select pg_advisory_lock_shared(454545) is not null as done, pg_advisory_unlock_shared(454545)",
    );
    let closed = false;
    const closing = db.close().then(() => {
      closed = true;
    });
    await waitFor(
      async () => {
        const rows = await admin`
          select count(*)::int as n from pg_stat_activity
          where application_name = ${app} and wait_event_type = 'Lock'`;
        return (rows[0] as { n: number }).n;
      },
      (n) => n === 1,
    );
    expect(closed).toBe(false);
    await holder`select pg_advisory_unlock(454545)`;
    await holder.end({ timeout: 2 });
    expect(await slow).toMatchObject({ done: true });
    await closing;
    expect(await connectionCount(admin, getDb().name, app)).toBe(0);
    expect(db.poolStats().open).toBe(0);
  });
});
