/**
 * Retention: `bun run prune` (dry run, batches, the audit row it leaves), a service that keeps
 * answering reads and writes while a prune runs beside it, and MALWAR_RETENTION_DAYS's schedule.
 * Written once, run per backend.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import type { DatabaseBackend } from "../../src/backends/database-backend.ts";
import { ApiUsageRepository, AuditLogRepository } from "../../src/repositories/index.ts";
import { startService } from "../../src/service/index.ts";
import { createBackend } from "../../src/storage/index.ts";
import { captureLog } from "../support/capture-log.ts";
import { describePostgres } from "../support/postgres.ts";
import { makeTempDir } from "../support/temp-dir.ts";
import { runCli } from "./support/cli-process.ts";
import { scanBody } from "./support/fixtures.ts";

// Per file: Bun applies a preload's default timeout to the first file only (oven-sh/bun#43787).
setDefaultTimeout(120_000);

const DAY = 86_400_000;
const OLD = new Date(Date.now() - 200 * DAY);
const RECENT = new Date(Date.now() - 2 * DAY);

/** `n` api_usage and audit rows at `at` (spread over a few seconds), written in bulk. */
async function addRows(db: DatabaseBackend, n: number, at: Date, tag: string): Promise<void> {
  await db.transaction(async (tx) => {
    await new ApiUsageRepository(tx).recordMany(
      Array.from({ length: n }, (_, i) => ({
        endpoint: `/api/v1/${tag}`,
        method: "GET",
        status_code: 200,
        timestamp: new Date(at.getTime() + (i % 5_000)),
      })),
    );
    const stamp = (i: number) =>
      new Date(at.getTime() + (i % 5_000)).toISOString().replace("T", " ").slice(0, 23);
    await tx.insertRows(
      "audit_log",
      [
        "event_id",
        "timestamp",
        "event_type",
        "actor",
        "resource_type",
        "resource_id",
        "action",
        "details",
        "ip_address",
      ],
      Array.from({ length: n }, (_, i) => ({
        event_id: `${tag}-${i}`,
        timestamp: stamp(i),
        event_type: tag,
        actor: "test",
        resource_type: "",
        resource_id: "",
        action: "",
        details: "{}",
        ip_address: "",
      })),
    );
  });
}

async function counts(db: DatabaseBackend, tag: string) {
  const one = async (table: string, column: string, value: string) =>
    Number(
      (await db.fetchOne<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table} WHERE ${column} = ?`, [value]))
        ?.n,
    );
  return {
    api_usage: await one("api_usage", "endpoint", `/api/v1/${tag}`),
    audit_log: await one("audit_log", "event_type", tag),
  };
}

function retentionSuite(
  name: string,
  open: () => Promise<DatabaseBackend>,
  env: () => Record<string, string>,
): void {
  describe(name, () => {
    let db: DatabaseBackend;
    beforeAll(async () => {
      db = await open();
    });
    afterAll(async () => {
      await db?.close();
    });

    test("prune --dry-run counts and deletes nothing; prune deletes only the old rows, in batches, and says so in the audit log", async () => {
      await addRows(db, 2_500, OLD, "old");
      await addRows(db, 300, RECENT, "recent");
      const dry = await runCli("src/cli/prune.ts", ["--older-than", "90d", "--dry-run"], env());
      expect(dry.stderr).toBe("");
      expect(dry.code).toBe(0);
      expect(dry.stdout).toMatch(/^would delete 2,500 api_usage and 2,500 audit_log rows older than \d{4}-/);
      expect(await counts(db, "old")).toEqual({ api_usage: 2_500, audit_log: 2_500 });

      const run = await runCli("src/cli/prune.ts", ["--older-than", "90d", "--batch-size", "700"], env());
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(
        /^deleted 2,500 api_usage and 2,500 audit_log rows older than .* \(batches of 700\)$/m,
      );
      expect(await counts(db, "old")).toEqual({ api_usage: 0, audit_log: 0 });
      expect(await counts(db, "recent")).toEqual({ api_usage: 300, audit_log: 300 });
      const [record] = await new AuditLogRepository(db).query({ event_type: "retention_pruned" });
      expect(record).toMatchObject({ actor: "cli", details: { api_usage: 2_500, audit_log: 2_500 } });

      const again = await runCli("src/cli/prune.ts", ["--older-than", "90d"], env());
      expect(again.stdout).toMatch(/^deleted 0 api_usage and 0 audit_log rows/);
    });

    test("while a prune of 100,000 rows runs in another process, the service answers reads and writes", async () => {
      await addRows(db, 100_000, OLD, "bulk");
      const service = startService({ backend: db, port: 0, usageIntervalMs: 50 });
      try {
        const prune = Bun.spawn(
          [
            process.execPath,
            "--no-env-file",
            "run",
            "src/cli/prune.ts",
            "--older-than",
            "30d",
            "--batch-size",
            "1000",
          ],
          {
            cwd: `${import.meta.dir}/../..`,
            env: { PATH: process.env.PATH ?? "", ...env() },
            stdout: "pipe",
            stderr: "pipe",
          },
        );
        let served = 0;
        let created = 0;
        let slowest = 0;
        let answeredMidway = 0;
        const during = await db.fetchOne<{ n: number }>(
          "SELECT COUNT(*) AS n FROM api_usage WHERE endpoint = '/api/v1/bulk'",
        );
        expect(Number(during?.n)).toBe(100_000);
        // Bounded: at most 2,000 requests or until the prune exits.
        for (let i = 0; i < 2_000 && prune.exitCode === null; i++) {
          const t0 = performance.now();
          const res =
            i % 4 === 3
              ? await fetch(`${service.url}/api/v1/scans`, {
                  method: "POST",
                  headers: { "content-type": "application/json" },
                  body: JSON.stringify(scanBody(`during-prune-${name}-${i}`)),
                })
              : await fetch(`${service.url}/api/v1/audit?limit=5&event_type=recent`);
          slowest = Math.max(slowest, performance.now() - t0);
          expect(res.status).toBe(i % 4 === 3 ? 201 : 200);
          await res.arrayBuffer();
          if (i % 4 === 3) created++;
          else served++;
          // A request answered while the prune was half way: some bulk rows gone, some left.
          const left = (await counts(db, "bulk")).api_usage;
          if (left > 0 && left < 100_000) answeredMidway++;
        }
        expect(await prune.exited).toBe(0);
        const out = await new Response(prune.stdout).text();
        expect(out).toMatch(/^deleted 100,000 api_usage and 100,000 audit_log rows/m);
        // Requests were answered while the prune ran (not only before or after it), none hung.
        expect(served).toBeGreaterThan(0);
        expect(created).toBeGreaterThan(0);
        expect(answeredMidway).toBeGreaterThan(0);
        expect(slowest).toBeLessThan(3_000);
        expect(await counts(db, "bulk")).toEqual({ api_usage: 0, audit_log: 0 });
      } finally {
        await service.stop({ timeoutMs: 2_000 });
      }
    });

    test("MALWAR_RETENTION_DAYS: the service prunes on its schedule, recent rows stay", async () => {
      await addRows(db, 1_200, OLD, "scheduled");
      const log = captureLog();
      const service = startService({
        backend: db,
        port: 0,
        logger: log.logger,
        retention: { days: 30, intervalMs: 200, firstRunAfterMs: 0 },
      });
      try {
        const deadline = Date.now() + 20_000;
        while (Date.now() < deadline && (await counts(db, "scheduled")).api_usage > 0) await Bun.sleep(100);
        // Both tables go: usage first, then the audit rows.
        while (Date.now() < deadline && (await counts(db, "scheduled")).audit_log > 0) await Bun.sleep(100);
        expect(await counts(db, "scheduled")).toEqual({ api_usage: 0, audit_log: 0 });
        expect((await counts(db, "recent")).api_usage).toBe(300);
        const runs = await new AuditLogRepository(db).query({
          event_type: "retention_pruned",
          actor: "service",
        });
        expect(runs.length).toBeGreaterThan(0);
        expect(log.records).toContainEqual(
          expect.objectContaining({ level: "info", api_usage: 1_200, audit_log: 1_200, retention_days: 30 }),
        );
      } finally {
        await service.stop({ timeoutMs: 2_000 });
      }
    });
  });
}

const dir = makeTempDir("malwar-retention-");
afterAll(() => dir.cleanup());
const path = dir.file("retention.db");
retentionSuite(
  "retention on SQLite",
  () => createBackend({ backend: "sqlite", dbPath: path }),
  () => ({ MALWAR_DB_PATH: path }),
);

describePostgres("retention on PostgreSQL", (pg) => {
  retentionSuite(
    "retention",
    () => createBackend({ backend: "postgres", postgresUrl: pg().url, postgresPoolMax: 4 }),
    () => ({ MALWAR_DB_BACKEND: "postgres", MALWAR_POSTGRES_URL: pg().url }),
  );
});

describe("prune arguments and MALWAR_RETENTION_DAYS", () => {
  test("an age without a unit, a zero age, and a missing --older-than are usage errors", async () => {
    for (const [args, message] of [
      [["--older-than", "90"], "--older-than takes an age like 90d or 36h"],
      [["--older-than", "0d"], "--older-than must be more than 0"],
      [[], "--older-than AGE is required"],
    ] as const) {
      const res = await runCli("src/cli/prune.ts", [...args], { MALWAR_DB_PATH: dir.file("args.db") });
      expect(res.code).toBe(2);
      expect(res.stderr.split("\n")[0]).toStartWith(`malwar prune: ${message}`);
    }
  });

  test("a bad MALWAR_RETENTION_DAYS stops start with one line naming it", async () => {
    const res = await runCli("src/cli/start.ts", [], {
      MALWAR_DB_PATH: dir.file("bad-retention.db"),
      MALWAR_PORT: "0",
      MALWAR_RETENTION_DAYS: "ninety",
    });
    expect(res.code).toBe(1);
    const lines = res.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("MALWAR_RETENTION_DAYS");
    expect(lines[0]).toContain("ninety");
  });
});
