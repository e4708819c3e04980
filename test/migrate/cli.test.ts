import { describe, expect, test } from "bun:test";
import { existsSync, statSync } from "node:fs";
import { adminClient } from "../support/postgres.ts";
import {
  count,
  eachDialect,
  type FreshDatabase,
  recordedVersions,
  runMigrate,
  scratchMigrations,
  spawnMigrate,
  tableExists,
} from "./harness.ts";

const NAMES = [
  "initial_schema",
  "api_usage_table",
  "audit_log_table",
  "api_keys_table",
  "scheduled_scanning_tables",
];

async function inspect<T>(
  db: FreshDatabase,
  fn: (b: Awaited<ReturnType<FreshDatabase["open"]>>) => Promise<T>,
) {
  const backend = await db.open();
  try {
    return await fn(backend);
  } finally {
    await backend.close();
  }
}

/** Slow enough to be caught mid-way; the marker row tells which attempt's work survived. */
const SLOW_006 = {
  sqlite: `CREATE TABLE slow_marker (id INTEGER PRIMARY KEY, n INTEGER NOT NULL);
INSERT INTO slow_marker (n)
  WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 200000000) SELECT x FROM c;
`,
  postgres: `CREATE TABLE slow_marker (id INTEGER PRIMARY KEY, n INTEGER NOT NULL);
INSERT INTO slow_marker (id, n) VALUES (1, 1);
SELECT pg_sleep(3);
`,
};
const FAST_006 =
  "CREATE TABLE slow_marker (id INTEGER PRIMARY KEY, n INTEGER NOT NULL);\nINSERT INTO slow_marker (id, n) VALUES (1, -1);\n";

/**
 * Resolves once the killed-to-be process is provably inside 006 (its uncommitted work is visible
 * from outside); throws if it exits first.
 */
async function untilInsideSlowMigration(
  db: FreshDatabase,
  victim: ReturnType<typeof spawnMigrate>,
): Promise<void> {
  const stillRunning = async () => {
    if (victim.exitCode === null && victim.signalCode === null) return;
    const stderr = await new Response(victim.stderr).text();
    throw new Error(`migrate exited (${victim.exitCode}) before reaching 006: ${stderr}`);
  };
  if (db.dialect === "sqlite") {
    // The big INSERT spills uncommitted pages into the WAL; 001-005 leave it far smaller than this.
    const wal = `${db.env.MALWAR_DB_PATH}-wal`;
    while (!existsSync(wal) || statSync(wal).size < 16 * 1024 * 1024) {
      await stillRunning();
      await Bun.sleep(20);
    }
    return;
  }
  const admin = adminClient();
  try {
    const name = new URL(db.env.MALWAR_POSTGRES_URL!).pathname.slice(1);
    for (;;) {
      const rows =
        await admin`SELECT 1 FROM pg_stat_activity WHERE datname = ${name} AND query ILIKE '%pg_sleep%'
                                AND state = 'active' AND pid <> pg_backend_pid()`;
      if (rows.length > 0) return;
      await stillRunning();
      await Bun.sleep(20);
    }
  } finally {
    await admin.end({ timeout: 2 });
  }
}

eachDialect("bun run migrate", (dialect) => {
  test("--dry-run lists 001-005 and applies nothing; apply prints each with its duration; status shows the table", async () => {
    const db = await dialect.fresh();
    try {
      const dry = await runMigrate(["--dry-run"], db.env);
      expect(dry.exitCode).toBe(0);
      for (const [i, name] of NAMES.entries()) expect(dry.stdout).toContain(`00${i + 1} ${name}`);
      await inspect(db, async (b) => {
        expect(await tableExists(b, "schema_migrations")).toBe(false);
        expect(await tableExists(b, "campaigns")).toBe(false);
      });

      const apply = await runMigrate([], db.env);
      expect(apply.stderr).toBe("");
      expect(apply.exitCode).toBe(0);
      for (const [i, name] of NAMES.entries()) {
        expect(apply.stdout).toMatch(new RegExp(`^applied 00${i + 1}_${name} in \\d+\\.\\d ms$`, "m"));
      }

      const status = await runMigrate(["status"], db.env);
      expect(status.exitCode).toBe(0);
      expect(status.stdout).toMatch(/^version\s+name\s+state\s+applied at$/m);
      for (const [i, name] of NAMES.entries()) {
        const row = `^00${i + 1}\\s+${name}\\s+applied\\s+\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z$`;
        expect(status.stdout).toMatch(new RegExp(row, "m"));
      }

      const again = await runMigrate(["--dry-run"], db.env);
      expect(again.exitCode).toBe(0);
      expect(again.stdout).toContain("nothing to apply");
      expect(again.stdout).not.toContain("001 initial_schema");

      const scratch = scratchMigrations(dialect.name, {
        "006_extra.sql": "CREATE TABLE extra (id INTEGER);\n",
      });
      try {
        const pending = await runMigrate(["status"], { ...db.env, MALWAR_MIGRATIONS_DIR: scratch.root });
        expect(pending.stdout).toMatch(/^006\s+extra\s+pending\s+-$/m);
      } finally {
        scratch.cleanup();
      }
    } finally {
      await db.drop();
    }
  });

  test("four processes at once on a fresh database: all exit 0, each migration applied and recorded once", async () => {
    const db = await dialect.fresh();
    try {
      const results = await Promise.all([1, 2, 3, 4].map(() => runMigrate([], db.env)));
      for (const r of results) {
        expect(r.stderr).toBe("");
        expect(r.exitCode).toBe(0);
      }
      const appliedLines = results.flatMap((r) =>
        r.stdout.split("\n").filter((l) => l.startsWith("applied ")),
      );
      expect(appliedLines.map((l) => l.split(" ")[1]).sort()).toEqual(NAMES.map((n, i) => `00${i + 1}_${n}`));
      await inspect(db, async (b) => {
        expect(await recordedVersions(b)).toEqual([1, 2, 3, 4, 5]);
        expect([
          await count(b, "campaigns"),
          await count(b, "signatures"),
          await count(b, "publishers"),
        ]).toEqual([3, 12, 9]);
      });
    } finally {
      await db.drop();
    }
  });

  test("SIGKILL in the middle of a migration leaves a database the next run completes", async () => {
    const db = await dialect.fresh();
    const scratch = scratchMigrations(dialect.name, { "006_slow.sql": SLOW_006[dialect.name] });
    try {
      const env = { ...db.env, MALWAR_MIGRATIONS_DIR: scratch.root };
      const victim = spawnMigrate([], env);
      await untilInsideSlowMigration(db, victim);
      victim.kill("SIGKILL");
      await victim.exited;
      expect(victim.signalCode).toBe("SIGKILL");

      await inspect(db, async (b) => {
        expect(await recordedVersions(b)).toEqual([1, 2, 3, 4, 5]);
      });

      // 006 was never recorded, so it may be replaced by a quick version without a checksum complaint.
      scratch.write("006_slow.sql", FAST_006);
      const next = await runMigrate([], env);
      expect(next.stderr).toBe("");
      expect(next.exitCode).toBe(0);
      expect(next.stdout).toMatch(/^applied 006_slow in /m);
      await inspect(db, async (b) => {
        expect(await recordedVersions(b)).toEqual([1, 2, 3, 4, 5, 6]);
        // Only the second attempt's row: nothing of the killed transaction survived.
        expect(await b.fetchAll("SELECT id, n FROM slow_marker")).toEqual([{ id: 1, n: -1 }]);
      });
    } finally {
      scratch.cleanup();
      await db.drop();
    }
  });

  test("a changed applied file: exit 1 with one line naming it; status shows changed", async () => {
    const db = await dialect.fresh();
    const scratch = scratchMigrations(dialect.name);
    try {
      const env = { ...db.env, MALWAR_MIGRATIONS_DIR: scratch.root };
      expect((await runMigrate([], env)).exitCode).toBe(0);
      const file = `${scratch.dir}/002_api_usage_table.sql`;
      scratch.write("002_api_usage_table.sql", `${await Bun.file(file).text()}-- edited\n`);
      const run = await runMigrate([], env);
      expect(run.exitCode).toBe(1);
      expect(run.stderr.trim().split("\n")).toHaveLength(1);
      expect(run.stderr).toContain(`${dialect.name}/002_api_usage_table.sql`);
      const status = await runMigrate(["status"], env);
      expect(status.exitCode).toBe(0);
      expect(status.stdout).toMatch(/^002\s+api_usage_table\s+changed\s+/m);
    } finally {
      scratch.cleanup();
      await db.drop();
    }
  });
});

describe("bun run migrate failures", () => {
  test("an unknown argument is a usage error (exit 2)", async () => {
    const r = await runMigrate(["sideways"], { MALWAR_DB_BACKEND: "sqlite", MALWAR_DB_PATH: ":memory:" });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain("sideways");
  });

  test("a configuration error exits 1 with one line naming the variable", async () => {
    const r = await runMigrate([], { MALWAR_DB_BACKEND: "oracle" });
    expect(r.exitCode).toBe(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("MALWAR_DB_BACKEND");
    expect(r.stdout).toBe("");
  });

  test("an unreachable PostgreSQL exits 1 without printing the password", async () => {
    const r = await runMigrate([], {
      MALWAR_DB_BACKEND: "postgres",
      MALWAR_POSTGRES_URL: "postgres://malwar:hunter2secret@127.0.0.1:1/malwar",
      MALWAR_POSTGRES_CONNECT_TIMEOUT: "1",
    });
    expect(r.exitCode).toBe(1);
    expect(r.stderr.length).toBeGreaterThan(0);
    expect(r.stderr + r.stdout).not.toContain("hunter2secret");
  });
});
