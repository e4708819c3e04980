/**
 * `bun run start` stopping on SIGTERM while a request is in flight: the request completes (and
 * still reaches the database), the process exits 0, and on PostgreSQL no connection remains.
 * The in-flight request is GET /api/v1/test/slow, mounted by test/support/start-with-slow-route.ts.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { adminClient, describePostgres } from "../support/postgres.ts";
import { makeTempDir } from "../support/temp-dir.ts";
import { startCli } from "./support/cli-process.ts";

async function slowRequestSurvivesSigterm(env: Record<string, string>): Promise<void> {
  const started = await startCli(env, "test/support/start-with-slow-route.ts");
  const inFlight = fetch(`${started.url}/api/v1/test/slow?ms=1500`);
  // The route logs when it has begun, so the signal is known to land mid-request.
  await started.stdout.waitFor(/test\/slow: request started/);
  started.proc.kill("SIGTERM");

  const res = await inFlight;
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ slept_ms: 1500, database: true });
  const code = await started.proc.exited;
  await Promise.all([started.stdout.finished, started.stderr.finished]);
  expect({ code, stderr: started.stderr.text() }).toEqual({ code: 0, stderr: "" });
  const records = started.stdout.lines.map((line) => JSON.parse(line) as { level: string; msg: string });
  expect(records.map((r) => r.msg)).toContainEqual(expect.stringContaining("SIGTERM received"));
  expect(records.filter((r) => r.level === "error" || r.level === "fatal")).toEqual([]);
  // Stopped means stopped: the port no longer answers.
  expect(fetch(`${started.url}/api/v1/health`)).rejects.toThrow();
}

describe("SIGTERM during a slow request on SQLite", () => {
  const dir = makeTempDir("malwar-stop-");
  afterAll(() => dir.cleanup());

  test("the request completes, the process exits 0, the database is closed cleanly", async () => {
    const path = dir.file("stop.db");
    await slowRequestSurvivesSigterm({ MALWAR_DB_PATH: path });
    // A clean close checkpoints WAL and removes the side files.
    expect(existsSync(path)).toBe(true);
    expect(existsSync(`${path}-wal`)).toBe(false);
    expect(existsSync(`${path}-shm`)).toBe(false);
  });
});

describePostgres("SIGTERM during a slow request on PostgreSQL", (db) => {
  test("the request completes, the process exits 0, no connection is left open", async () => {
    await slowRequestSurvivesSigterm({
      MALWAR_DB_BACKEND: "postgres",
      MALWAR_POSTGRES_URL: db().url,
      MALWAR_POSTGRES_POOL_MIN: "2",
      MALWAR_POSTGRES_POOL_MAX: "4",
    });
    const admin = adminClient();
    try {
      const rows = await admin`SELECT pid FROM pg_stat_activity WHERE datname = ${db().name}`;
      expect(rows.length).toBe(0);
    } finally {
      await admin.end({ timeout: 2 });
    }
  });
});
