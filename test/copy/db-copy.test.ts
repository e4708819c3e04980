/**
 * `bun run db:copy`: a SQLite database with 200,000 findings copied to PostgreSQL and back, as an
 * operator runs it; the service on each copy serves the same scans byte for byte; generated ids
 * continue above the copied ones; a non-empty target is refused without --force; the checksum
 * notices a changed row.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import type { DatabaseBackend } from "../../src/backends/database-backend.ts";
import { summarise } from "../../src/copy/verify-copy.ts";
import {
  ApiKeyRepository,
  ApiUsageRepository,
  AuditLogRepository,
  ScanRepository,
  ScheduledJobRepository,
} from "../../src/repositories/index.ts";
import { TABLE_CATALOG } from "../../src/repositories/table-catalog.ts";
import { API_KEY_HEADER, startService } from "../../src/service/index.ts";
import { createBackend } from "../../src/storage/index.ts";
import { finding, scan, urlAnalysis } from "../repositories/fixtures.ts";
import { runCli } from "../service/support/cli-process.ts";
import { describePostgres } from "../support/postgres.ts";
import { makeTempDir } from "../support/temp-dir.ts";

// Per file: Bun applies a preload's default timeout to the first file only (oven-sh/bun#43787).
setDefaultTimeout(240_000);

const SCANS = 2_000;
const FINDINGS_PER_SCAN = 100;
const USAGE_ROWS = 3_000;
const SEVERITIES = ["critical", "high", "medium", "low", "info"] as const;

const dir = makeTempDir("malwar-db-copy-");
afterAll(() => dir.cleanup());
const SOURCE = dir.file("source.db");
let adminKey = "";

async function seed(db: DatabaseBackend): Promise<void> {
  await db.transaction(async (tx) => {
    const scans = new ScanRepository(tx);
    for (let s = 0; s < SCANS; s++) {
      const id = `scan-${String(s).padStart(5, "0")}`;
      await scans.saveScan(
        scan(id, {
          risk_score: s % 101,
          // Instants with and without a fraction, text with quotes and non-ASCII.
          started_at: new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString(),
          skill_name: s % 7 === 0 ? `naïve "skill" ${s}` : `skill-${s}`,
          findings: Array.from({ length: FINDINGS_PER_SCAN }, (_, f) =>
            finding(`${id}-f${String(f).padStart(3, "0")}`, {
              severity: SEVERITIES[(s + f) % 5],
              confidence: ((s * 31 + f) % 100) / 100,
              line_start: f % 3 === 0 ? null : f,
              snippet: f % 11 === 0 ? null : `line ${f} of ${id}: rm -rf / # ü`,
            }),
          ),
          url_analysis: s % 4 === 0 ? [urlAnalysis(`${id}-u0`, { is_malicious: s % 8 === 0 })] : [],
        }),
      );
    }
    const usage = new ApiUsageRepository(tx);
    await usage.recordMany(
      Array.from({ length: USAGE_ROWS }, (_, n) => ({
        api_key: n % 2 === 0 ? null : "k1",
        endpoint: "/api/v1/scans",
        method: n % 3 === 0 ? "POST" : "GET",
        status_code: 200,
        timestamp: new Date(Date.UTC(2026, 1, 1, 0, 0, 0, n * 7)),
      })),
    );
    const audit = new AuditLogRepository(tx);
    for (let n = 0; n < 200; n++) {
      await audit.append({
        event_type: "scan_created",
        actor: "test",
        resource_id: `scan-${n}`,
        details: { n },
      });
    }
    const jobs = new ScheduledJobRepository(tx);
    const job = await jobs.create({ name: "nightly", target_path: "/skills", schedule: "0 3 * * *" });
    await jobs.createRun({ job_id: job.id, status: "completed" });
  });
  adminKey = (await new ApiKeyRepository(db).create({ name: "ops", role: "admin" })).key;
}

beforeAll(async () => {
  const db = await createBackend({ backend: "sqlite", dbPath: SOURCE });
  try {
    await seed(db);
  } finally {
    await db.close();
  }
});

/** What a client sees of the stored scans: a sample by id and the first list pages. */
async function served(db: DatabaseBackend): Promise<string[]> {
  const service = startService({ backend: db, host: "127.0.0.1", port: 0 });
  try {
    const paths = [
      ...[0, 1, 7, 999, 1_998, 1_999].map((n) => `/api/v1/scans/scan-${String(n).padStart(5, "0")}`),
      "/api/v1/scans?limit=100",
      "/api/v1/scans?limit=100&offset=1000",
      "/api/v1/scans?verdict=MALICIOUS&limit=5",
    ];
    const bodies: string[] = [];
    for (const path of paths) {
      const res = await fetch(`${service.url}${path}`, { headers: { [API_KEY_HEADER]: adminKey } });
      expect(res.status).toBe(200);
      bodies.push(`${path}\n${await res.text()}`);
    }
    return bodies;
  } finally {
    await service.stop({ timeoutMs: 2_000 });
  }
}

async function open(config: Parameters<typeof createBackend>[0]): Promise<DatabaseBackend> {
  return createBackend({ ...config, autoMigrate: false });
}

async function maxUsageId(db: DatabaseBackend): Promise<number> {
  return Number((await db.fetchOne<{ m: number }>("SELECT MAX(id) AS m FROM api_usage"))?.m);
}

function rowsPerSecond(stdout: string): number {
  const m = /\(([\d,]+) rows\/s\), in one transaction/.exec(stdout);
  return m ? Number((m[1] as string).replaceAll(",", "")) : Number.NaN;
}

describePostgres("db:copy SQLite → PostgreSQL → SQLite", (pg) => {
  const BACK = dir.file("back.db");

  test("to PostgreSQL: migrated, every table copied and verified; same answers as the source", async () => {
    const res = await runCli("src/cli/db-copy.ts", ["--to", pg().url], { MALWAR_DB_PATH: SOURCE });
    expect(res.stderr).not.toContain("malwar db:copy:");
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^target: applied 001_initial_schema in /m);
    expect(res.stdout).toContain(`all ${TABLE_CATALOG.length} tables match`);
    expect(res.stdout).toMatch(
      new RegExp(`^ok\\s+findings\\s+rows\\s+${(SCANS * FINDINGS_PER_SCAN).toLocaleString("en-US")} / `, "m"),
    );
    expect(res.stderr).toMatch(/findings: 200,000\/200,000 rows \(100%\), [\d,]+ rows\/s/);
    console.log(`db:copy SQLite → PostgreSQL: ${rowsPerSecond(res.stdout)} rows/s`);

    const [source, target] = await Promise.all([
      open({ backend: "sqlite", dbPath: SOURCE }),
      open({ backend: "postgres", postgresUrl: pg().url }),
    ]);
    try {
      expect(await served(target)).toEqual(await served(source));
      // schema_migrations is the target's own: its run wrote it, with its own checksums.
      const versions = await target.fetchAll<{ version: number }>(
        "SELECT version FROM schema_migrations ORDER BY version",
      );
      expect(versions.length).toBeGreaterThanOrEqual(5);
      const before = await maxUsageId(target);
      expect(before).toBe(await maxUsageId(source));
      await new ApiUsageRepository(target).record({
        endpoint: "/api/v1/health",
        method: "GET",
        status_code: 200,
      });
      expect(await maxUsageId(target)).toBeGreaterThan(before);
    } finally {
      await Promise.all([source.close(), target.close()]);
    }
  });

  test("a target with rows of its own is refused without --force, and replaced with it", async () => {
    const refused = await runCli("src/cli/db-copy.ts", ["--to", pg().url], { MALWAR_DB_PATH: SOURCE });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("the target is not empty");
    expect(refused.stderr).toContain("--force");
    const forced = await runCli("src/cli/db-copy.ts", ["--to", pg().url, "--force"], {
      MALWAR_DB_PATH: SOURCE,
    });
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain("tables match");
  });

  test("back to SQLite from PostgreSQL: the same answers again, ids continue above the copied ones", async () => {
    const res = await runCli("src/cli/db-copy.ts", ["--to", BACK], {
      MALWAR_DB_BACKEND: "postgres",
      MALWAR_POSTGRES_URL: pg().url,
    });
    expect(res.stderr).not.toContain("malwar db:copy:");
    expect(res.code).toBe(0);
    expect(res.stdout).toContain(`all ${TABLE_CATALOG.length} tables match`);
    console.log(`db:copy PostgreSQL → SQLite: ${rowsPerSecond(res.stdout)} rows/s`);
    const [source, back] = await Promise.all([
      open({ backend: "sqlite", dbPath: SOURCE }),
      open({ backend: "sqlite", dbPath: BACK }),
    ]);
    try {
      expect(await served(back)).toEqual(await served(source));
      const before = await maxUsageId(back);
      await new ApiUsageRepository(back).record({
        endpoint: "/api/v1/health",
        method: "GET",
        status_code: 200,
      });
      expect(await maxUsageId(back)).toBe(before + 1);
    } finally {
      await Promise.all([source.close(), back.close()]);
    }
  });

  test("the checksum tells a changed value, and a copy onto itself is refused", async () => {
    const back = await open({ backend: "sqlite", dbPath: BACK });
    try {
      const findings = TABLE_CATALOG.find((t) => t.name === "findings")!;
      const before = await summarise(back, findings);
      await back.execute("UPDATE findings SET confidence = 0.123 WHERE id = 'scan-00500-f050'");
      const after = await summarise(back, findings);
      expect(after.rows).toBe(before.rows);
      expect(after.checksum).not.toBe(before.checksum);
    } finally {
      await back.close();
    }
    const self = await runCli("src/cli/db-copy.ts", ["--to", BACK, "--force"], { MALWAR_DB_PATH: BACK });
    expect(self.code).toBe(1);
    expect(self.stderr).toContain("the configured database itself");
  });
});

describe("db:copy arguments", () => {
  test("--to is required; a bad URL is a usage error naming --to, without its password", async () => {
    const missing = await runCli("src/cli/db-copy.ts", [], { MALWAR_DB_PATH: SOURCE });
    expect(missing.code).toBe(2);
    expect(missing.stderr.split("\n")[0]).toBe("malwar db:copy: --to TARGET is required");
    const bad = await runCli("src/cli/db-copy.ts", ["--to", "postgres://u:hunter2@:bad/db"], {
      MALWAR_DB_PATH: SOURCE,
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--to");
    expect(bad.stderr).not.toContain("hunter2");
  });
});
