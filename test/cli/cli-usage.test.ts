/**
 * Every CLI as a user meets it: --help/-h answers with usage and exit 0 and touches nothing; bad
 * arguments are `malwar <tool>: …` and exit 2; failures exit 1; read-only commands never create a
 * database; start names MALWAR_HOST when it cannot listen and ignores the unselected backend.
 */
import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, readdirSync } from "node:fs";
import { runCli, startCli } from "../service/support/cli-process.ts";
import { makeTempDir } from "../support/temp-dir.ts";

// Per file: Bun applies a preload's default timeout to the first file only (oven-sh/bun#43787).
setDefaultTimeout(60_000);

const SCRIPTS: Record<string, string> = {
  start: "src/cli/start.ts",
  migrate: "src/cli/migrate.ts",
  keys: "src/cli/keys.ts",
  bench: "bench/run.ts",
  "db:copy": "src/cli/db-copy.ts",
  prune: "src/cli/prune.ts",
};

const dir = makeTempDir("malwar-cli-usage-");
afterAll(() => dir.cleanup());

describe("--help and -h", () => {
  for (const [tool, script] of Object.entries(SCRIPTS)) {
    for (const flag of ["--help", "-h"]) {
      test(`${tool} ${flag}: usage on stdout, exit 0, no database made`, async () => {
        const path = dir.file(`help-${tool.replace(":", "-")}${flag}.db`);
        // Extra arguments that would otherwise start work (or be refused) change nothing.
        const res = await runCli(script, [flag, "--to", dir.file("never.db")], {
          MALWAR_DB_PATH: path,
          MALWAR_PORT: "0",
        });
        expect({ code: res.code, stderr: res.stderr }).toEqual({ code: 0, stderr: "" });
        expect(res.stdout).toMatch(/^usage: /);
        expect(res.stdout).toContain(`bun run ${tool}`);
        expect(existsSync(path)).toBe(false);
        expect(existsSync(dir.file("never.db"))).toBe(false);
      });
    }
  }
});

describe("usage errors: `malwar <tool>: <message>`, usage, exit 2", () => {
  for (const [tool, script] of Object.entries(SCRIPTS)) {
    test(`${tool} --no-such-flag`, async () => {
      const res = await runCli(script, ["--no-such-flag"], { MALWAR_DB_PATH: dir.file("usage.db") });
      expect(res.code).toBe(2);
      const [first, second] = res.stderr.split("\n");
      expect(first).toBe(`malwar ${tool}: unknown option --no-such-flag`);
      expect(second).toMatch(/^usage: /);
      expect(res.stdout).toBe("");
    });
  }

  test("a string option without its value", async () => {
    const res = await runCli(SCRIPTS.keys as string, ["create", "--name", "--role", "admin"], {
      MALWAR_DB_PATH: dir.file("usage.db"),
    });
    expect(res.code).toBe(2);
    expect(res.stderr.split("\n")[0]).toBe("malwar keys: --name needs a value");
  });

  test("a flag given a value", async () => {
    const res = await runCli(SCRIPTS.migrate as string, ["--dry-run=yes"], {
      MALWAR_DB_PATH: dir.file("usage.db"),
    });
    expect(res.code).toBe(2);
    expect(res.stderr.split("\n")[0]).toBe("malwar migrate: --dry-run takes no value");
  });

  test("nothing was created by any of them", () => {
    expect(existsSync(dir.file("usage.db"))).toBe(false);
  });
});

describe("migrate status / --dry-run on a SQLite file that does not exist", () => {
  test("status: a note naming MALWAR_DB_PATH, every migration pending, no file made", async () => {
    const path = dir.file("typo/mistyped.db");
    const res = await runCli(SCRIPTS.migrate as string, ["status"], { MALWAR_DB_PATH: path });
    expect(res.code).toBe(0);
    expect(res.stderr).toContain("malwar migrate: no SQLite database at");
    expect(res.stderr).toContain("MALWAR_DB_PATH");
    expect(res.stderr).toContain("mistyped.db");
    expect(res.stdout).toMatch(/^001\s+initial_schema\s+pending\s+-$/m);
    expect(existsSync(path)).toBe(false);
  });

  test("--dry-run: lists what would run, no file made", async () => {
    const path = dir.file("mistyped.db");
    const res = await runCli(SCRIPTS.migrate as string, ["--dry-run"], { MALWAR_DB_PATH: path });
    expect(res.code).toBe(0);
    expect(res.stderr).toContain("no SQLite database at");
    expect(res.stdout).toMatch(/^005 scheduled_scanning_tables$/m);
    expect(existsSync(path)).toBe(false);
    expect(readdirSync(dir.path).some((f) => f.startsWith("mistyped.db"))).toBe(false);
  });
});

describe("keys", () => {
  const env = () => ({ MALWAR_DB_PATH: dir.file("keys.db") });

  test("list --json: one JSON array with the listing fields and never a hash", async () => {
    const made = await runCli(
      SCRIPTS.keys as string,
      ["create", "--name", "ops", "--role", "analyst"],
      env(),
    );
    expect(made.code).toBe(0);
    const res = await runCli(SCRIPTS.keys as string, ["list", "--json"], env());
    expect(res.code).toBe(0);
    const keys = JSON.parse(res.stdout) as Record<string, unknown>[];
    expect(keys).toHaveLength(1);
    expect(Object.keys(keys[0] as object).sort()).toEqual(
      ["created_at", "id", "is_active", "last_used", "name", "role"].sort(),
    );
    expect(keys[0]).toMatchObject({ name: "ops", role: "analyst", is_active: true, last_used: null });
    expect(res.stdout).not.toContain("key_hash");
    expect(res.stdout).not.toContain(made.stdout.trim().split("\n").pop() as string);
  });

  test("revoke twice: the second says it was already revoked; an unknown id exits 1", async () => {
    const [key] = JSON.parse((await runCli(SCRIPTS.keys as string, ["list", "--json"], env())).stdout) as {
      id: string;
    }[];
    const first = await runCli(SCRIPTS.keys as string, ["revoke", key?.id as string], env());
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^revoked API key /);
    const second = await runCli(SCRIPTS.keys as string, ["revoke", key?.id as string], env());
    expect(second.code).toBe(0);
    expect(second.stdout).toContain("already revoked");
    const unknown = await runCli(SCRIPTS.keys as string, ["revoke", "no-such-key"], env());
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.trim()).toBe('malwar keys: no API key with id "no-such-key"');
  });
});

describe("start", () => {
  test("an address that is not this machine's: one line naming MALWAR_HOST, exit 1", async () => {
    // TEST-NET-1: never assigned to a local interface, and binding it sends nothing anywhere.
    const res = await runCli(SCRIPTS.start as string, [], {
      MALWAR_DB_PATH: dir.file("host.db"),
      MALWAR_HOST: "192.0.2.1",
      MALWAR_PORT: "0",
    });
    expect(res.code).toBe(1);
    const lines = res.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^malwar start: ConfigurationError: MALWAR_HOST "192\.0\.2\.1" /);
  });

  test("a leftover MALWAR_POSTGRES_URL=garbage does not stop a SQLite start", async () => {
    const started = await startCli({
      MALWAR_DB_PATH: dir.file("leftover.db"),
      MALWAR_POSTGRES_URL: "garbage",
      MALWAR_POSTGRES_POOL_MAX: "-1",
    });
    try {
      const health = await fetch(`${started.url}/api/v1/health`);
      expect(((await health.json()) as { backend: string }).backend).toBe("sqlite");
    } finally {
      started.proc.kill("SIGTERM");
      expect(await started.proc.exited).toBe(0);
    }
  });
});
