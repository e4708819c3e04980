/** `bun run start`: what it prints, open mode, and how it fails. */
import { afterAll, describe, expect, test } from "bun:test";
import { describePostgres } from "../support/postgres.ts";
import { makeTempDir } from "../support/temp-dir.ts";
import { runCli, startCli } from "./support/cli-process.ts";

interface LogRecord {
  level: string;
  msg: string;
  [field: string]: unknown;
}

async function stop(started: Awaited<ReturnType<typeof startCli>>): Promise<number> {
  started.proc.kill("SIGTERM");
  const code = await started.proc.exited;
  await Promise.all([started.stdout.finished, started.stderr.finished]);
  return code;
}

describe("bun run start on SQLite", () => {
  const dir = makeTempDir("malwar-start-");
  afterAll(() => dir.cleanup());

  test("each migration applied with its duration, one line with URL, backend and schema version, then the open-mode notice; the URL serves", async () => {
    const path = dir.file("start.db");
    const started = await startCli({ MALWAR_DB_PATH: path });
    const health = await fetch(`${started.url}/api/v1/health`);
    expect(health.status).toBe(200);
    expect(await stop(started)).toBe(0);
    // Standard output is a pipe here, so the log is JSON lines; requests have lines of their own.
    const records = started.stdout.lines.map((l) => JSON.parse(l) as LogRecord);
    const migrations = records.slice(0, 5);
    expect(
      migrations.map((r) => [r.level, r.migration, String(r.msg).replace(/ in \d+\.\d ms$/, "")]),
    ).toEqual([
      ["info", "001_initial_schema", "applied 001_initial_schema"],
      ["info", "002_api_usage_table", "applied 002_api_usage_table"],
      ["info", "003_audit_log_table", "applied 003_audit_log_table"],
      ["info", "004_api_keys_table", "applied 004_api_keys_table"],
      ["info", "005_scheduled_scanning_tables", "applied 005_scheduled_scanning_tables"],
    ]);
    for (const r of migrations) {
      expect(r.msg).toMatch(/ in \d+\.\d ms$/);
      expect(typeof r.duration_ms).toBe("number");
    }
    const [first, second, ...rest] = records.slice(5);
    expect(first).toMatchObject({
      level: "info",
      backend: "sqlite",
      schema_version: 5,
      host: "127.0.0.1",
      port: Number(new URL(started.url).port),
    });
    expect(first?.msg).toMatch(
      /^malwar listening on http:\/\/127\.0\.0\.1:\d+ backend=sqlite \(.+start\.db\) schema_version=5$/,
    );
    expect(second?.level).toBe("warn");
    expect(second?.msg).toMatch(/OPEN/);
    expect(second?.msg).toContain("bun run keys create");
    expect(rest.map((r) => [r.msg, r.route ?? null])).toEqual([
      ["request", "/api/v1/health"],
      ["SIGTERM received, finishing in-flight requests", null],
    ]);
  });

  test("with an active key there is no open-mode notice", async () => {
    const path = dir.file("keyed.db");
    const made = await runCli("src/cli/keys.ts", ["create", "--name", "ops", "--role", "admin"], {
      MALWAR_DB_PATH: path,
    });
    expect(made.code).toBe(0);
    const started = await startCli({ MALWAR_DB_PATH: path });
    const unauthenticated = await fetch(`${started.url}/api/v1/scans`);
    expect(unauthenticated.status).toBe(401);
    expect(await stop(started)).toBe(0);
    const messages = started.stdout.lines.map((l) => (JSON.parse(l) as LogRecord).msg);
    expect(messages.filter((m) => m !== "request" && !m.includes("received"))).toEqual([
      expect.stringContaining("listening on"),
    ]);
  });

  test("bad configuration: one line naming the variable, exit non-zero", async () => {
    const res = await runCli("src/cli/start.ts", [], { MALWAR_DB_BACKEND: "oracle" });
    expect(res.code).not.toBe(0);
    expect(res.stdout).toBe("");
    const lines = res.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("MALWAR_DB_BACKEND");
    expect(lines[0]).toContain("oracle");
  });

  test("a port already taken: one line, exit non-zero", async () => {
    const blocker = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("taken") });
    try {
      const res = await runCli("src/cli/start.ts", [], {
        MALWAR_DB_PATH: dir.file("port.db"),
        MALWAR_PORT: String(blocker.port),
      });
      expect(res.code).not.toBe(0);
      const lines = res.stderr.trim().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(String(blocker.port));
      // The logger was set up by then: whatever collects the log learns of it too.
      const records = res.stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as LogRecord)
        // The migrations ran before the listen failed (each its own line).
        .filter((r) => r.migration === undefined);
      expect(records).toEqual([
        expect.objectContaining({
          level: "error",
          msg: "start failed",
          error: expect.stringContaining("in use"),
        }),
      ]);
    } finally {
      await blocker.stop(true);
    }
  });
});

describePostgres("bun run start on PostgreSQL", (db) => {
  test("prints the backend without the password, and SIGINT stops it with exit 0", async () => {
    // Trust auth ignores the password, so it can be a recognisable marker.
    const url = new URL(db().url);
    url.password = "hunter2-do-not-print";
    const started = await startCli({ MALWAR_DB_BACKEND: "postgres", MALWAR_POSTGRES_URL: url.toString() });
    const health = await fetch(`${started.url}/api/v1/health`);
    const body = (await health.json()) as { backend: string; pool: { open: number } };
    expect(body.backend).toBe("postgres");
    expect(body.pool.open).toBeGreaterThanOrEqual(1);
    started.proc.kill("SIGINT");
    expect(await started.proc.exited).toBe(0);
    await Promise.all([started.stdout.finished, started.stderr.finished]);
    const records = started.stdout.lines.map((l) => JSON.parse(l) as LogRecord);
    expect(records.filter((r) => String(r.msg).startsWith("applied "))).toHaveLength(5);
    expect(records.find((r) => String(r.msg).includes("listening on"))?.msg).toMatch(
      /backend=postgres .*schema_version=5$/,
    );
    const all = `${started.stdout.text()}\n${started.stderr.text()}`;
    expect(all).not.toContain("hunter2-do-not-print");
  });

  test("an unreachable database: one line without the password, exit non-zero", async () => {
    const res = await runCli("src/cli/start.ts", [], {
      MALWAR_DB_BACKEND: "postgres",
      MALWAR_POSTGRES_URL: "postgres://malwar:hunter2-do-not-print@127.0.0.1:1/malwar",
      MALWAR_POSTGRES_CONNECT_TIMEOUT: "1",
    });
    expect(res.code).not.toBe(0);
    const lines = res.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/StorageError/);
    expect(`${res.stdout}${res.stderr}`).not.toContain("hunter2-do-not-print");
  });
});
