/**
 * watchChanges on PostgreSQL: LISTEN on a connection of its own, live only once a probe came back,
 * lost and live again when that connection is killed, and silent for rolled-back signals.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import type { ChangeHandlers } from "../../src/backends/database-backend.ts";
import { ChangeListener } from "../../src/backends/postgres/change-signals.ts";
import { SQLiteBackend } from "../../src/backends/sqlite/sqlite-backend.ts";
import { adminClient, describePostgres } from "../support/postgres.ts";
import { type Admin, listenConnector, openPool, uniqueAppName, waitFor } from "./postgres-support.ts";

class Events implements ChangeHandlers {
  log: string[] = [];
  onChange(): void {
    this.log.push("change");
  }
  onLive(): void {
    this.log.push("live");
  }
  onLost(): void {
    this.log.push("lost");
  }
  count(kind: string): number {
    return this.log.filter((e) => e === kind).length;
  }
  /** Waits until the events so far are exactly `expected` (comma-separated). */
  reach(expected: string): Promise<string> {
    return waitFor(
      async () => this.log.join(),
      (l) => l === expected,
    );
  }
  /** Waits until `n` changes were reported (or at least `n`). */
  changes(n: number, atLeast = false): Promise<number> {
    return waitFor(
      async () => this.count("change"),
      (c) => (atLeast ? c >= n : c === n),
    );
  }
}

let channelCounter = 0;
const uniqueChannel = () => `malwar_test_${process.pid}_${++channelCounter}`;

describePostgres("postgres watchChanges", (getDb) => {
  let admin: Admin;
  let writer: ReturnType<typeof postgres>;
  beforeAll(() => {
    admin = adminClient();
    // Another client of the database, as another malwar process would be.
    writer = postgres(getDb().url, { max: 1, onnotice: () => {} });
  });
  afterAll(async () => {
    await writer.end({ timeout: 2 });
    await admin.end({ timeout: 2 });
  });

  /** A pool (1 kept, 1 spare) watching a channel of its own, once its listener is live. */
  const liveWatch = async (prefix: string) => {
    const app = uniqueAppName(prefix);
    const channel = uniqueChannel();
    const db = await openPool(getDb().url, { min: 1, max: 2, applicationName: app });
    const events = new Events();
    const watch = db.watchChanges(channel, events);
    expect(watch).not.toBeNull();
    await events.reach("live");
    return { app, channel, db, events, watch };
  };

  const listenerPids = async (app: string) =>
    (
      await admin`select pid from pg_stat_activity
        where application_name = ${app} and query ilike 'listen %'`
    ).map((r) => (r as { pid: number }).pid);

  test("goes live, hears committed signals of other clients, never rolled-back ones or probes", async () => {
    const { app, channel, db, events, watch } = await liveWatch("watch_live");
    try {
      // One connection of its own, besides the pool's one kept connection, counted in its stats.
      expect(await listenerPids(app)).toHaveLength(1);
      expect(db.poolStats().open).toBe(2);

      await writer`select pg_notify(${channel}, '')`;
      await events.changes(1);

      await writer
        .begin(async (tx) => {
          await tx`select pg_notify(${channel}, '')`;
          throw new Error("roll back");
        })
        .catch(() => {});
      // Another process's probe is no change either.
      await writer`select pg_notify(${channel}, 'probe:someone-else')`;
      // Delivered in commit order: had either counted, this one would make three.
      await writer`select pg_notify(${channel}, 'after')`;
      await events.changes(2, true);
      expect(events.log).toEqual(["live", "change", "change"]);

      await watch?.close();
      await waitFor(
        () => listenerPids(app),
        (pids) => pids.length === 0,
      );
      await writer`select pg_notify(${channel}, '')`;
      // A second watch on the channel hears this one; the closed one must not have.
      const sentinel = new Events();
      const second = db.watchChanges(channel, sentinel);
      await sentinel.reach("live");
      await writer`select pg_notify(${channel}, '')`;
      await sentinel.changes(1);
      expect(events.log).toEqual(["live", "change", "change"]);
      await second?.close();
    } finally {
      await db.close();
    }
  });

  test("a killed listening connection is reported lost, then live again on a new one", async () => {
    const { app, channel, db, events } = await liveWatch("watch_kill");
    try {
      const [first] = await listenerPids(app);
      await admin`select pg_terminate_backend(${first!})`;
      await events.reach("live,lost,live");
      const [second] = await listenerPids(app);
      expect(second).not.toBe(first);
      await writer`select pg_notify(${channel}, '')`;
      await events.changes(1);
      // The pool was not touched by any of it.
      expect(await db.fetchOne("select 1 as one")).toEqual({ one: 1 });
    } finally {
      await db.close();
    }
    // close() ends the listening connection too.
    await waitFor(
      () => listenerPids(app),
      (pids) => pids.length === 0,
    );
  });

  test("while the database is unreachable it stays lost, and goes live once it answers", async () => {
    const { app, db, events } = await liveWatch("watch_block");
    try {
      // New connections to this database are refused while old ones are killed.
      await admin.unsafe(`alter database "${getDb().name}" with allow_connections false`);
      try {
        await admin`select pg_terminate_backend(pid) from pg_stat_activity where application_name = ${app}`;
        await events.reach("live,lost");
        await Bun.sleep(1_500);
        expect(events.log).toEqual(["live", "lost"]);
      } finally {
        await admin.unsafe(`alter database "${getDb().name}" with allow_connections true`);
      }
      await events.reach("live,lost,live");
    } finally {
      await db.close();
    }
  });

  test("a path on which notifications never come back is never live, and says so once", async () => {
    const app = uniqueAppName("watch_probe");
    const channel = uniqueChannel();
    const events = new Events();
    const logged: string[] = [];
    const listener = new ChangeListener(channel, events, {
      connect: listenConnector(getDb().url, app),
      // As behind a transaction-mode pooler: the probe goes somewhere this LISTEN does not hear.
      signal: async (_name, payload) => {
        await writer`select pg_notify(${`${channel}_elsewhere`}, ${payload})`;
      },
      log: (line) => logged.push(line),
      probeTimeoutMs: 300,
    });
    listener.start();
    await waitFor(
      async () => logged.length,
      (n) => n === 1,
    );
    expect(logged[0]).toContain(`notifications on ${channel} do not come back`);
    expect(listener.live).toBe(false);
    expect(events.log).toEqual([]);
    // It gave up: no connection left, no retries.
    await waitFor(
      () => listenerPids(app),
      (pids) => pids.length === 0,
    );
    await Bun.sleep(1_500);
    expect(logged).toHaveLength(1);
    expect(
      (await admin`select count(*)::int as n from pg_stat_activity where application_name = ${app}`)[0],
    ).toEqual({ n: 0 });
    await listener.close();
  });

  test("once proven, a probe lost on a new connection is retried, not taken for a pooler", async () => {
    const app = uniqueAppName("watch_reprobe");
    const channel = uniqueChannel();
    const events = new Events();
    const logged: string[] = [];
    let deliver = true;
    const listener = new ChangeListener(channel, events, {
      connect: listenConnector(getDb().url, app),
      signal: async (_name, payload) => {
        await writer`select pg_notify(${deliver ? channel : `${channel}_elsewhere`}, ${payload})`;
      },
      log: (line) => logged.push(line),
      probeTimeoutMs: 200,
      reconnectDelayMs: 100,
    });
    listener.start();
    try {
      await events.reach("live");
      deliver = false;
      await admin`select pg_terminate_backend(pid) from pg_stat_activity where application_name = ${app}`;
      await events.reach("live,lost");
      // Several failed probes in a row: still no verdict, still retrying.
      await Bun.sleep(1_000);
      expect(logged).toEqual([]);
      deliver = true;
      await events.reach("live,lost,live");
    } finally {
      await listener.close();
    }
    await waitFor(
      () => listenerPids(app),
      (pids) => pids.length === 0,
    );
  });

  test("close() during a probe ends it: the process then exits on its own", async () => {
    const child = Bun.spawn(
      [process.execPath, join(import.meta.dir, "change-listener-close.child.ts"), getDb().url],
      { stdout: "pipe", stderr: "pipe" },
    );
    // The probe would wait 600 s: a process still held by it outlives this test's timeout.
    const [code, out] = await Promise.all([child.exited, new Response(child.stdout).text()]);
    expect({ code, out: out.trim() }).toEqual({ code: 0, out: "closed" });
  });

  test("the listening connection takes a slot of max: pool and listener together stay within it", async () => {
    const app = uniqueAppName("watch_max");
    const db = await openPool(getDb().url, { min: 1, max: 3, applicationName: app });
    const events = new Events();
    const holder = postgres(getDb().url, { max: 1, onnotice: () => {} });
    await holder`select pg_advisory_lock(737373)`;
    let queries: Promise<unknown>[] = [];
    try {
      db.watchChanges(uniqueChannel(), events);
      await events.reach("live");
      // Every query waits on the lock, so the pool is under its full load while counted.
      queries = Array.from({ length: 30 }, (_, i) =>
        db.fetchOne("select pg_advisory_lock_shared(737373), pg_advisory_unlock_shared(737373), ? as i", [i]),
      );
      await waitFor(
        async () =>
          (
            await admin`select count(*)::int as n from pg_stat_activity
              where application_name = ${app} and wait_event_type = 'Lock'`
          )[0] as { n: number },
        (r) => r.n >= 2,
      );
      await Bun.sleep(200);
      const all =
        await admin`select count(*)::int as n from pg_stat_activity where application_name = ${app}`;
      expect(all[0]).toEqual({ n: 3 });
      expect(await listenerPids(app)).toHaveLength(1);
      expect(db.poolStats()).toMatchObject({ open: 3, max: 3 });
    } finally {
      await holder`select pg_advisory_unlock(737373)`;
      await Promise.all(queries);
      await holder.end({ timeout: 2 });
      await db.close();
    }
    // With no slot to spare beyond min, or no kept connection to queue on, there is no listener.
    for (const [min, max] of [
      [2, 2],
      [0, 3],
    ] as const) {
      const pool = await openPool(getDb().url, { min, max, applicationName: uniqueAppName("w") });
      try {
        expect(pool.watchChanges(uniqueChannel(), new Events())).toBeNull();
      } finally {
        await pool.close();
      }
    }
  });

  test("not offered where it could not be trusted: prepared statements off (a pooler), SQLite", async () => {
    const db = await openPool(getDb().url, {
      min: 1,
      max: 1,
      prepare: false,
      applicationName: uniqueAppName("w"),
    });
    try {
      expect(db.watchChanges(uniqueChannel(), new Events())).toBeNull();
    } finally {
      await db.close();
    }
    const sqlite = await SQLiteBackend.open(join(tmpdir(), `malwar-watch-${process.pid}.db`));
    try {
      expect(sqlite.watchChanges(uniqueChannel(), new Events())).toBeNull();
    } finally {
      await sqlite.close();
    }
  });
});
