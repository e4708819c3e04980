/*
 * Run by time-zone.test.ts as `bun test` in a child process with TZ=America/New_York (the zone
 * must be set before the runtime starts to be trusted). Not named *.test.ts: under the developer's
 * own zone it would prove much less.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { DatabaseBackend } from "../../src/backends/database-backend.ts";
import { createRepositories, type Repositories } from "../../src/repositories/index.ts";
import { adminClient, databaseUrl, describePostgres } from "../support/postgres.ts";
import { makeTempDir } from "../support/temp-dir.ts";
import { ISO_UTC, openPostgres, openSqlite } from "./harness.ts";

const MINUTE = 60_000;

test("the process runs in America/New_York", () => {
  expect(process.env.TZ).toBe("America/New_York");
  // January: EST, five hours behind UTC; a UTC process would say 0.
  expect(new Date(Date.UTC(2024, 0, 15)).getTimezoneOffset()).toBe(300);
});

/** Rows stamped by the database's clock (DEFAULT NOW() / datetime('now')) read back as real UTC. */
async function checkDefaultStamps(repos: Repositories): Promise<void> {
  const before = Date.now();
  await repos.apiUsage.record({ api_key: "tz-key", endpoint: "/tz", method: "GET", status_code: 200 });
  const usage = (await repos.apiUsage.listRecent({ api_key: "tz-key" }))[0];
  const key = (await repos.apiKeys.create({ name: "tz" })).record;
  const signature = await repos.signatures.create({
    name: "tz",
    description: "d",
    severity: "low",
    category: "typosquatting",
    pattern_type: "exact",
    pattern_value: "x",
  });
  const job = await repos.scheduledJobs.create({ name: "tz", target_path: "/", schedule: "@daily" });
  for (const stamp of [
    usage?.timestamp,
    key.created_at,
    signature.created_at,
    signature.updated_at,
    job.created_at,
  ]) {
    expect(stamp).toMatch(ISO_UTC);
    const skew = Math.abs(Date.parse(stamp as string) - before);
    expect(skew).toBeLessThan(MINUTE);
  }
}

/** Instants written by the application come back to the millisecond, across a DST change. */
async function checkAppInstants(repos: Repositories): Promise<void> {
  const instants = ["2024-03-10T06:59:59.999Z", "2024-03-10T07:30:00.123Z", "2024-11-03T06:30:00.000Z"];
  for (const [i, at] of instants.entries()) {
    const entry = await repos.auditLog.append({ event_id: `tz-${i}`, event_type: "tz", timestamp: at });
    expect(entry.timestamp).toBe(at);
  }
  const read = await repos.auditLog.query({ event_type: "tz" });
  expect(read.map((e) => e.timestamp)).toEqual([...instants].reverse());
  const range = await repos.auditLog.query({
    event_type: "tz",
    since: "2024-03-10T02:30:00-05:00",
    until: new Date(instants[2] as string),
  });
  expect(range.map((e) => e.event_id)).toEqual(["tz-1"]);
}

describe("SQLite under TZ=America/New_York", () => {
  const tmp = makeTempDir("malwar-tz-");
  let db: DatabaseBackend | undefined;
  beforeAll(async () => {
    db = await openSqlite(tmp.file("tz.db"));
  });
  afterAll(async () => {
    await db?.close();
    tmp.cleanup();
  });
  test("DEFAULT stamps read back as real UTC", () =>
    checkDefaultStamps(createRepositories(db as DatabaseBackend)));
  test("app-written instants round-trip exactly", () =>
    checkAppInstants(createRepositories(db as DatabaseBackend)));
});

describePostgres("PostgreSQL with the database zone Asia/Tokyo, process in America/New_York", (testDb) => {
  let db: DatabaseBackend | undefined;
  beforeAll(async () => {
    const admin = adminClient();
    try {
      await admin.unsafe(`ALTER DATABASE "${testDb().name}" SET timezone TO 'Asia/Tokyo'`);
    } finally {
      await admin.end({ timeout: 2 });
    }
    db = await openPostgres(testDb().url);
  });
  afterAll(async () => {
    await db?.close();
  });

  test("the database's own zone really is Asia/Tokyo (for sessions that do not pin one)", async () => {
    const raw = adminClient(databaseUrl(testDb().name));
    try {
      const [row] = await raw`SHOW timezone`;
      expect(row?.TimeZone).toBe("Asia/Tokyo");
    } finally {
      await raw.end({ timeout: 2 });
    }
  });

  test("DEFAULT NOW() stamps read back as real UTC", () =>
    checkDefaultStamps(createRepositories(db as DatabaseBackend)));

  test("app-written instants round-trip exactly and are stored as UTC digits", async () => {
    await checkAppInstants(createRepositories(db as DatabaseBackend));
    const raw = adminClient(databaseUrl(testDb().name));
    try {
      const rows =
        await raw`SELECT event_id, timestamp::text AS t FROM audit_log WHERE event_type = 'tz' ORDER BY event_id`;
      expect(rows.map((r) => r.t)).toEqual([
        "2024-03-10 06:59:59.999",
        "2024-03-10 07:30:00.123",
        "2024-11-03 06:30:00",
      ]);
      // Independent of the backend's parsing: the stored value against the server's clock in UTC.
      const [skew] =
        await raw`SELECT abs(extract(epoch FROM (max(timestamp) - (now() AT TIME ZONE 'UTC')))) AS s FROM api_usage`;
      expect(Number(skew?.s)).toBeLessThan(60);
    } finally {
      await raw.end({ timeout: 2 });
    }
  });
});
