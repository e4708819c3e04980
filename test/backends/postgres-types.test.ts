import { afterAll, beforeAll, expect, spyOn, test } from "bun:test";
import { join } from "node:path";
import type { PostgresDatabase } from "../../src/backends/postgres/index.ts";
import { StorageError } from "../../src/errors/index.ts";
import { setLogger } from "../../src/log/index.ts";
import { captureLog } from "../support/capture-log.ts";
import { adminClient, describePostgres } from "../support/postgres.ts";
import { rejectionOf } from "../support/rejection.ts";
import { openPool, uniqueAppName } from "./postgres-support.ts";

const CHILD = join(import.meta.dir, "postgres-utc.child.ts");

describePostgres("postgres sessions and types", (getDb) => {
  let db: PostgresDatabase;

  beforeAll(async () => {
    // A database whose own zone is far from UTC: sessions must still run in UTC.
    const admin = adminClient();
    try {
      await admin.unsafe(`ALTER DATABASE "${getDb().name}" SET timezone TO 'Asia/Tokyo'`);
    } finally {
      await admin.end({ timeout: 2 });
    }
    db = await openPool(getDb().url, { min: 1, max: 3, applicationName: uniqueAppName("types") });
  });
  afterAll(async () => {
    await db?.close();
  });

  test("the database defaults to Asia/Tokyo, yet sessions run in UTC", async () => {
    const admin = adminClient(getDb().url);
    try {
      const [row] = await admin`select current_setting('TimeZone') as zone`;
      expect((row as { zone: string }).zone).toBe("Asia/Tokyo");
    } finally {
      await admin.end({ timeout: 2 });
    }
    expect(await db.fetchOne("select current_setting('TimeZone') as zone")).toEqual({ zone: "UTC" });
  });

  for (const tz of ["America/New_York", "Asia/Kolkata"]) {
    test(`under TZ=${tz}, DEFAULT NOW() and stored timestamps read back as UTC`, async () => {
      const child = Bun.spawnSync(["bun", CHILD, getDb().url], {
        env: { ...process.env, TZ: tz },
        stdout: "pipe",
        stderr: "pipe",
      });
      expect(child.stderr.toString()).toBe("");
      expect(child.exitCode).toBe(0);
      const out = JSON.parse(child.stdout.toString());
      // The child really ran in a non-UTC zone.
      expect(out.processOffsetMinutes).not.toBe(0);
      expect(out.zone).toBe("UTC");
      expect(out.ts).toBe("2024-01-02T03:04:05.678Z");
      expect(out.tstz).toBe("2024-01-02T03:04:05.000Z");
      expect(out.d).toBe("2024-01-02T00:00:00.000Z");
      expect(out.roundTrip).toBe("2024-06-30T23:59:58.250Z");
      // NOW() stored in a TIMESTAMP column is the current UTC instant, not Tokyo's or New York's
      // wall clock: hours apart, so a generous margin cannot hide a zone error.
      const skewMinutes = Math.abs(Date.parse(out.stored) - Date.parse(out.now)) / 60_000;
      expect(skewMinutes).toBeLessThan(30);
    });
  }

  test("int8 comes back as a number while exact, as a bigint beyond 2^53", async () => {
    const row = await db.fetchOne<Record<string, unknown>>(
      "select 9007199254740991::int8 as max_safe, 9007199254740992::int8 as beyond, -9007199254740993::int8 as below, 9223372036854775807::int8 as top, count(*) as n from (values (1), (2)) v(x)",
    );
    expect(row).toEqual({
      max_safe: 9007199254740991,
      beyond: 9007199254740992n,
      below: -9007199254740993n,
      top: 9223372036854775807n,
      n: 2,
    });
    await db.execute("create table ids (id bigserial primary key, big bigint)");
    await db.execute("insert into ids (big) values (?), (?)", [2n ** 60n, 42]);
    expect(await db.fetchAll("select id, big from ids order by id")).toEqual([
      { id: 1, big: 2n ** 60n },
      { id: 2, big: 42 },
    ]);
    expect(await db.fetchOne("select array[1, 9007199254740993]::int8[] as arr")).toEqual({
      arr: [1, 9007199254740993n],
    });
  });

  test("results are plain arrays of plain objects", async () => {
    const rows = await db.fetchAll("select 1 as a union all select 2");
    expect(Array.isArray(rows)).toBe(true);
    expect(Object.getPrototypeOf(rows)).toBe(Array.prototype);
    expect(Object.keys(rows)).toEqual(["0", "1"]);
    expect(Object.getPrototypeOf(rows[0])).toBe(Object.prototype);
    const bytes = await db.fetchOne<{ b: Uint8Array }>("select '\\x00ff10'::bytea as b");
    expect(bytes?.b.constructor).toBe(Uint8Array);
    expect([...(bytes?.b ?? [])]).toEqual([0, 255, 16]);
  });

  test("server NOTICEs do not reach the console; they go to the notice handler", async () => {
    const spies = [
      spyOn(console, "log"),
      spyOn(console, "info"),
      spyOn(console, "warn"),
      spyOn(console, "error"),
      spyOn(process.stdout, "write"),
    ];
    const seen: string[] = [];
    const app = uniqueAppName("notice");
    const withHandler = await openPool(getDb().url, {
      min: 1,
      max: 1,
      applicationName: app,
      onNotice: (n) => seen.push(String(n.message)),
    });
    try {
      await db.execute("do $$ begin raise notice 'malwar-notice-default'; end $$");
      await withHandler.execute("do $$ begin raise notice 'malwar-notice-handled'; end $$");
      await db.execute("create table if not exists ids (id int)"); // "already exists, skipping"
      for (const spy of spies) {
        const text = spy.mock.calls.map((c) => c.map(String).join(" ")).join("\n");
        expect(text).not.toContain("malwar-notice");
        expect(text).not.toContain("already exists");
      }
      expect(seen).toEqual(["malwar-notice-handled"]);
    } finally {
      for (const spy of spies) spy.mockRestore();
      await withHandler.close();
    }
  });

  test("at MALWAR_LOG_LEVEL=debug, NOTICEs are debug records of the log", async () => {
    const log = captureLog("debug");
    setLogger(log.logger);
    try {
      await db.execute("do $$ begin raise notice 'malwar-debug-notice'; end $$");
      expect(log.records).toContainEqual(
        expect.objectContaining({ level: "debug", component: "postgres", msg: "malwar-debug-notice" }),
      );
    } finally {
      setLogger(undefined);
    }
  });

  test("statementTimeout makes the server cancel a long statement", async () => {
    const app = uniqueAppName("stmt_timeout");
    const quick = await openPool(getDb().url, { min: 1, max: 1, statementTimeout: 50, applicationName: app });
    try {
      expect(await quick.fetchOne("select current_setting('statement_timeout') as t")).toEqual({ t: "50ms" });
      const error = await rejectionOf(quick.execute("select pg_sleep(10)"));
      expect(error).toBeInstanceOf(StorageError);
      expect((error as { driverCode?: string }).driverCode).toBe("57014");
      // The connection is still usable afterwards.
      expect(await quick.fetchOne("select 1 as x")).toEqual({ x: 1 });
    } finally {
      await quick.close();
    }
  });

  test("prepare: false (PgBouncer transaction mode) leaves no named prepared statement", async () => {
    const app = uniqueAppName("noprepare");
    const unprepared = await openPool(getDb().url, { min: 1, max: 1, prepare: false, applicationName: app });
    const prepared = await openPool(getDb().url, {
      min: 1,
      max: 1,
      prepare: true,
      applicationName: uniqueAppName("prep"),
    });
    try {
      const count = "select count(*) as n from pg_prepared_statements";
      for (let i = 0; i < 3; i++) await unprepared.fetchOne("select ? :: int as x", [i]);
      expect(await unprepared.fetchOne(count)).toEqual({ n: 0 });
      for (let i = 0; i < 3; i++) await prepared.fetchOne("select ? :: int as x", [i]);
      expect(((await prepared.fetchOne<{ n: number }>(count))?.n ?? 0) > 0).toBe(true);
    } finally {
      await unprepared.close();
      await prepared.close();
    }
  });
});
