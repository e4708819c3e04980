/**
 * The package.json scripts DESIGN.md names, run as an outside test runs them: `bun run <script>`
 * in a subprocess, configured only through explicit MALWAR_* variables.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { createBackend, loadConfig } from "../../src/index.ts";
import { describePostgres, type TestDatabase } from "../support/postgres.ts";
import { makeTempDir } from "../support/temp-dir.ts";

const ROOT = join(import.meta.dir, "../..");
const MIGRATIONS = [
  "initial_schema",
  "api_usage_table",
  "audit_log_table",
  "api_keys_table",
  "scheduled_scanning_tables",
];

/** The parent's environment without any MALWAR_* variable, plus the ones given. */
function cleanEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith("MALWAR_") && v !== undefined) env[k] = v;
  }
  return { ...env, ...extra };
}

/**
 * `bun run` itself echoes the script's command (`$ bun run src/...`) and, on failure, adds
 * `error: script "x" exited with code N` to stderr; those lines are Bun's, not the project's.
 */
function ownLines(stderr: string): string[] {
  return stderr
    .split("\n")
    .filter((l) => l.trim() !== "" && !l.startsWith("$ ") && !/^error: script ".*" exited with code/.test(l));
}

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(args: string[], env: Record<string, string>): Promise<Ran> {
  const proc = Bun.spawn([process.execPath, "run", ...args], {
    cwd: ROOT,
    env: cleanEnv(env),
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { code, stdout, stderr };
}

interface Started {
  url: string;
  firstLines: string;
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; stdout: string; stderr: string }>;
}

/** `bun run start` on a free port; resolves once it has printed its URL. */
async function start(env: Record<string, string>): Promise<Started> {
  const proc = Bun.spawn([process.execPath, "run", "start"], {
    cwd: ROOT,
    env: cleanEnv({ MALWAR_HOST: "127.0.0.1", MALWAR_PORT: "0", ...env }),
    stdout: "pipe",
    stderr: "pipe",
  });
  const stderrText = new Response(proc.stderr).text();
  const reader = proc.stdout.getReader();
  const decoder = new TextDecoder();
  let out = "";
  let url: string | undefined;
  while (url === undefined) {
    const { value, done } = await reader.read();
    if (done) {
      throw new Error(`start exited before printing its URL: ${out}\n${await stderrText}`);
    }
    out += decoder.decode(value, { stream: true });
    url = /https?:\/\/[^\s]+/.exec(out)?.[0];
    // Wait for the end of the line so the whole first line (backend included) is in `out`.
    if (url !== undefined && !out.slice(out.indexOf(url)).includes("\n")) url = undefined;
  }
  const firstLines = out;
  const rest = (async () => {
    let more = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return more;
      more += decoder.decode(value, { stream: true });
    }
  })();
  return {
    url: url.replace(/\/$/, ""),
    firstLines,
    async stop(signal = "SIGTERM") {
      proc.kill(signal);
      const code = await proc.exited;
      return { code, stdout: firstLines + (await rest), stderr: await stderrText };
    },
  };
}

const SCAN = {
  id: "scan-http-1",
  target: "skills/evil/SKILL.md",
  skill_name: "evil",
  status: "completed",
  risk_score: 90,
  overall_severity: "critical",
  verdict: "MALICIOUS",
  layers_executed: ["rule_engine", "url_crawler"],
  errors: [],
  started_at: "2024-05-01T10:00:00Z",
  findings: [
    {
      id: "f-2",
      rule_id: "R2",
      title: "medium",
      description: "d",
      severity: "medium",
      confidence: 0.4,
      category: "suspicious_command",
      detector_layer: "rule_engine",
    },
    {
      id: "f-1",
      rule_id: "R1",
      title: "critical",
      description: "d",
      severity: "critical",
      confidence: 0.95,
      category: "known_malware",
      detector_layer: "rule_engine",
    },
  ],
  url_analysis: [{ id: "u-1", url: "https://evil.example/x", is_malicious: true }],
};

/** The service over HTTP with one backend, from start to SIGTERM. */
function serviceContract(name: "sqlite" | "postgres", env: () => Record<string, string>): void {
  test(`bun run start (${name}): URL and backend printed, API answers, SIGTERM exits 0`, async () => {
    const svc = await start(env());
    let stopped = false;
    try {
      expect(svc.firstLines).toContain(svc.url);
      expect(svc.firstLines.toLowerCase()).toContain(name);
      const api = `${svc.url}/api/v1`;

      const health = await fetch(`${api}/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ status: "ok", backend: name, schema_version: 5 });
      expect((await fetch(`${api}/ready`)).status).toBe(200);

      // No key yet: open.
      const created = await fetch(`${api}/scans`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(SCAN),
      });
      expect(created.status).toBe(201);
      const stored = (await created.json()) as Record<string, unknown>;
      const got = await fetch(`${api}/scans/${SCAN.id}`);
      expect(got.status).toBe(200);
      const body = (await got.json()) as {
        findings: { id: string; scan_id?: string }[];
        created_at: string;
        layers_executed: string[];
      };
      expect(body).toEqual(stored as never);
      expect(body.findings.map((f) => f.id)).toEqual(["f-1", "f-2"]);
      expect(body.layers_executed).toEqual(SCAN.layers_executed);
      expect(body.created_at).toMatch(/Z$/);

      const missing = await fetch(`${api}/scans/no-such-scan`);
      expect(missing.status).toBe(404);
      const err = (await missing.json()) as { error: { code: unknown; message: unknown } };
      expect(typeof err.error.code).toBe("string");
      expect(typeof err.error.message).toBe("string");

      const tooBig = await fetch(`${api}/scans`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ ...SCAN, id: "big", target: "x".repeat(1024 * 1024 + 10) }),
      });
      expect(tooBig.status).toBe(413);

      const bad = await fetch(`${api}/scans`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{not json",
      });
      expect(bad.status).toBe(400);

      // Same id again: a conflict.
      const again = await fetch(`${api}/scans`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(SCAN),
      });
      expect(again.status).toBe(409);

      // Signatures: POST, GET, PUT, DELETE; campaigns and publishers from the seed.
      const sig = await fetch(`${api}/signatures`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          id: "sig-contract",
          name: "contract sig",
          description: "d",
          severity: "high",
          category: "malicious_url",
          pattern_type: "exact",
          pattern_value: "evil.example",
        }),
      });
      expect(sig.status).toBe(201);
      expect(
        ((await (await fetch(`${api}/signatures/sig-contract`)).json()) as { enabled: unknown }).enabled,
      ).toBe(true);
      const put = await fetch(`${api}/signatures/sig-contract`, {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ enabled: false }),
      });
      expect(put.status).toBe(200);
      expect(((await put.json()) as { enabled: unknown }).enabled).toBe(false);
      expect((await fetch(`${api}/signatures/sig-contract`, { method: "DELETE" })).status).toBeLessThan(300);
      expect((await fetch(`${api}/signatures/sig-contract`)).status).toBe(404);
      const campaigns = (await (await fetch(`${api}/campaigns`)).json()) as unknown;
      const list = (
        Array.isArray(campaigns) ? campaigns : Object.values(campaigns as object).find(Array.isArray)
      ) as { id: string }[] | undefined;
      expect(list?.length ?? 0).toBeGreaterThan(0);
      expect((await fetch(`${api}/campaigns/${list?.[0]?.id}`)).status).toBe(200);
      expect((await fetch(`${api}/campaigns/no-such-campaign`)).status).toBe(404);
      expect((await fetch(`${api}/publishers/no-such-publisher`)).status).toBe(404);

      // Every change writes an audit_log row.
      const audit = await fetch(`${api}/audit`);
      expect(audit.status).toBe(200);
      expect(JSON.stringify(await audit.json())).toContain(SCAN.id);

      // A key created from outside closes the service to anonymous callers.
      const keys = await run(["keys", "create", "--name", "contract", "--role", "readonly"], env());
      expect(keys.code).toBe(0);
      const lines = keys.stdout.trimEnd().split("\n");
      const key = lines.at(-1) ?? "";
      expect(key.length).toBeGreaterThanOrEqual(20);
      expect(key).not.toMatch(/\s/);
      expect(lines.slice(0, -1).join("\n")).not.toContain(key);

      expect((await fetch(`${api}/scans`)).status).toBe(401);
      expect((await fetch(`${api}/scans`, { headers: { "X-API-Key": "wrong" } })).status).toBe(401);
      expect((await fetch(`${api}/scans`, { headers: { "X-API-Key": key } })).status).toBe(200);
      // readonly may read scans but not write signatures.
      const write = await fetch(`${api}/signatures`, {
        method: "POST",
        headers: { "X-API-Key": key, "content-type": "application/json" },
        body: "{}",
      });
      expect(write.status).toBe(403);
      expect((await fetch(`${api}/health`)).status).toBe(200);
      expect((await fetch(`${api}/ready`)).status).toBe(200);

      // Roles as in malwar: scanner create/read scans only; analyst also signatures and audit.
      const keyFor = async (role: string) => {
        const res = await run(["keys", "create", "--name", `contract-${role}`, "--role", role], env());
        expect(res.code).toBe(0);
        return res.stdout.trimEnd().split("\n").at(-1) ?? "";
      };
      const scanner = await keyFor("scanner");
      const analyst = await keyFor("analyst");
      const as = (key: string, path: string) => fetch(`${api}${path}`, { headers: { "X-API-Key": key } });
      expect((await as(scanner, "/scans")).status).toBe(200);
      expect((await as(scanner, "/audit")).status).toBe(403);
      expect((await as(scanner, "/signatures")).status).toBe(403);
      expect((await as(key, "/audit")).status).toBe(200);
      expect((await as(analyst, "/signatures")).status).toBe(200);
      expect((await as(analyst, "/campaigns")).status).toBe(200);
      expect((await as(analyst, "/audit")).status).toBe(200);
      const analystKey = await fetch(`${api}/keys`, {
        method: "POST",
        headers: { "X-API-Key": analyst, "content-type": "application/json" },
        body: JSON.stringify({ name: "nope", role: "admin" }),
      });
      expect(analystKey.status).toBe(403);
      const requests = 14 + 7 + 1 + 10;

      stopped = true;
      const exit = await svc.stop("SIGTERM");
      expect(exit.code).toBe(0);
      // While no key existed the service said it was open.
      expect(exit.stdout.toLowerCase()).toContain("open");

      // Every request counts in api_usage (written by the time the process has exited).
      const config = loadConfig(env());
      const backend = await createBackend({ ...config, autoMigrate: false });
      try {
        const row = await backend.fetchOne<{ n: number }>("SELECT count(*) AS n FROM api_usage");
        expect(Number(row?.n)).toBe(requests);
      } finally {
        await backend.close();
      }
    } finally {
      if (!stopped) await svc.stop("SIGKILL");
    }
  });
}

function migrateContract(name: "sqlite" | "postgres", env: () => Record<string, string>): void {
  test(`bun run migrate (${name}): --dry-run applies nothing, migrate applies, status shows the table`, async () => {
    const dry = await run(["migrate", "--dry-run"], env());
    expect(dry.code).toBe(0);
    MIGRATIONS.forEach((m, i) => {
      expect(dry.stdout).toMatch(new RegExp(`0*${i + 1}\\b.*${m}`));
    });

    const before = await run(["migrate", "status"], env());
    expect(before.code).toBe(0);
    for (const m of MIGRATIONS) expect(before.stdout).toMatch(new RegExp(`${m}\\s+pending`));
    expect(before.stdout).not.toMatch(/\bapplied\b(?! at)/);

    const applied = await run(["migrate"], env());
    expect(applied.code).toBe(0);

    const after = await run(["migrate", "status"], env());
    expect(after.code).toBe(0);
    for (const m of MIGRATIONS) expect(after.stdout).toMatch(new RegExp(`${m}\\s+applied`));

    const dryAgain = await run(["migrate", "--dry-run"], env());
    expect(dryAgain.code).toBe(0);
    for (const m of MIGRATIONS) expect(dryAgain.stdout).not.toContain(m);
  });
}

function concurrentMigrate(name: "sqlite" | "postgres", env: () => Record<string, string>): void {
  test(`three concurrent \`bun run migrate\` (${name}) apply each migration exactly once`, async () => {
    const results = await Promise.all([1, 2, 3].map(() => run(["migrate"], env())));
    for (const r of results)
      expect({ code: r.code, stderr: ownLines(r.stderr) }).toEqual({ code: 0, stderr: [] });
    const all = results.map((r) => r.stdout).join("\n");
    for (const m of MIGRATIONS) expect(all.split(m).length - 1).toBe(1);
    const config = loadConfig(env());
    const backend = await createBackend({ ...config, autoMigrate: false });
    try {
      expect(await backend.fetchAll("SELECT version FROM schema_migrations ORDER BY version")).toEqual(
        [1, 2, 3, 4, 5].map((version) => ({ version })),
      );
    } finally {
      await backend.close();
    }
  });
}

/**
 * Keys made and revoked by `bun run keys` (another process) while `bun run start` runs: each change
 * takes effect as soon as its notification reaches the service (at most the 1 s re-read period),
 * and then holds on every request. On PostgreSQL this is what the service's key-change listener
 * has to get right, as it keeps key answers between changes. The notification travels on another
 * socket than the next HTTP request, so "the very next request" cannot be promised across
 * processes; on a loaded 2-core machine the request sometimes won that race.
 */
function keysAcrossProcesses(name: "sqlite" | "postgres", env: () => Record<string, string>): void {
  test(`bun run keys while bun run start runs (${name}): each change takes effect within 1 s and holds`, async () => {
    const svc = await start(env());
    try {
      const scans = `${svc.url}/api/v1/scans`;
      const status = async (key?: string) =>
        (await fetch(scans, key === undefined ? {} : { headers: { "x-api-key": key } })).status;
      // Waits (bounded) for a change made by another process to show, then checks that it holds.
      const settlesTo = async (expected: number, key?: string) => {
        const deadline = performance.now() + 1_500;
        let seen = await status(key);
        while (seen !== expected && performance.now() < deadline) {
          await Bun.sleep(10);
          seen = await status(key);
        }
        for (let i = 0; i < 3; i++) {
          expect(seen).toBe(expected);
          seen = await status(key);
        }
        expect(seen).toBe(expected);
      };
      // Open, and asked several times so that an answer can have been kept.
      for (let i = 0; i < 5; i++) expect(await status()).toBe(200);

      const create = async (name: string) => {
        const made = await run(["keys", "create", "--name", name, "--role", "readonly"], env());
        expect(made.code).toBe(0);
        const key = made.stdout.trim().split("\n").at(-1) ?? "";
        expect(key).toMatch(/^mlw_/);
        return { key, id: /created API key (\S+)/.exec(made.stdout)?.[1] ?? "" };
      };
      const revoke = async (id: string) => expect((await run(["keys", "revoke", id], env())).code).toBe(0);

      const first = await create("first");
      await settlesTo(401);
      for (let i = 0; i < 5; i++) expect(await status(first.key)).toBe(200);
      const second = await create("second");
      await settlesTo(200, second.key);

      await revoke(first.id);
      await settlesTo(401, first.key);
      expect(await status(second.key)).toBe(200);
      expect(await status()).toBe(401);

      // The last active key gone: open again.
      await revoke(second.id);
      await settlesTo(200);
    } finally {
      await svc.stop("SIGTERM");
    }
  });
}

describe("scripts on SQLite", () => {
  const dir = makeTempDir("malwar-contract-scripts-");
  afterAll(() => dir.cleanup());
  serviceContract("sqlite", () => ({ MALWAR_DB_BACKEND: "sqlite", MALWAR_DB_PATH: dir.file("svc.db") }));
  migrateContract("sqlite", () => ({ MALWAR_DB_BACKEND: "sqlite", MALWAR_DB_PATH: dir.file("mig.db") }));
  concurrentMigrate("sqlite", () => ({ MALWAR_DB_BACKEND: "sqlite", MALWAR_DB_PATH: dir.file("race.db") }));
  keysAcrossProcesses("sqlite", () => ({ MALWAR_DB_BACKEND: "sqlite", MALWAR_DB_PATH: dir.file("keys.db") }));
});

describePostgres("scripts on PostgreSQL", (pg) => {
  const env = (db: TestDatabase) => ({
    MALWAR_DB_BACKEND: "postgres",
    MALWAR_POSTGRES_URL: db.url,
    MALWAR_POSTGRES_POOL_MIN: "1",
    MALWAR_POSTGRES_POOL_MAX: "4",
  });
  // One database: the service migrates it at start, so run the migrate checks first.
  migrateContract("postgres", () => env(pg()));
  serviceContract("postgres", () => env(pg()));
});

describePostgres("keys across processes on PostgreSQL", (pg) => {
  keysAcrossProcesses("postgres", () => ({
    MALWAR_DB_BACKEND: "postgres",
    MALWAR_POSTGRES_URL: pg().url,
    MALWAR_POSTGRES_POOL_MIN: "1",
    MALWAR_POSTGRES_POOL_MAX: "3",
  }));
});

describePostgres("concurrent migrate on PostgreSQL", (pg) => {
  concurrentMigrate("postgres", () => ({
    MALWAR_DB_BACKEND: "postgres",
    MALWAR_POSTGRES_URL: pg().url,
    MALWAR_POSTGRES_POOL_MIN: "1",
    MALWAR_POSTGRES_POOL_MAX: "2",
  }));
});

test("bun run start stops cleanly on SIGINT too", async () => {
  const dir = makeTempDir("malwar-contract-sigint-");
  try {
    const svc = await start({ MALWAR_DB_PATH: dir.file("sigint.db") });
    expect((await fetch(`${svc.url}/api/v1/health`)).status).toBe(200);
    expect((await svc.stop("SIGINT")).code).toBe(0);
  } finally {
    dir.cleanup();
  }
});

describe("failures: non-zero exit with a one-line reason", () => {
  const dir = makeTempDir("malwar-contract-fail-");
  afterAll(() => dir.cleanup());

  const badConfigs: [string, Record<string, string>, string][] = [
    ["unknown backend", { MALWAR_DB_BACKEND: "oracle" }, "MALWAR_DB_BACKEND"],
    ["postgres without URL", { MALWAR_DB_BACKEND: "postgres" }, "MALWAR_POSTGRES_URL"],
    [
      "pool min > max",
      {
        MALWAR_DB_BACKEND: "postgres",
        MALWAR_POSTGRES_URL: "postgres://u:hunter2pw@127.0.0.1:1/x",
        MALWAR_POSTGRES_POOL_MIN: "5",
        MALWAR_POSTGRES_POOL_MAX: "2",
      },
      "MALWAR_POSTGRES_POOL_MIN",
    ],
    ["bad boolean", { MALWAR_AUTO_MIGRATE: "perhaps" }, "MALWAR_AUTO_MIGRATE"],
  ];
  for (const [label, env, variable] of badConfigs) {
    for (const args of [["migrate"], ["migrate", "status"], ["migrate", "--dry-run"]]) {
      test(`${args.join(" ")}: ${label}`, async () => {
        const res = await run(args, { MALWAR_DB_PATH: dir.file("never.db"), ...env });
        expect(res.code).not.toBe(0);
        const lines = ownLines(res.stderr);
        expect(lines).toHaveLength(1);
        expect(lines[0]).toContain(variable);
        expect(res.stderr + res.stdout).not.toContain("hunter2pw");
      });
    }
  }

  test("start: a bad config is a non-zero exit naming the variable", async () => {
    const res = await run(["start"], { MALWAR_DB_BACKEND: "oracle", MALWAR_PORT: "0" });
    expect(res.code).not.toBe(0);
    expect(res.stderr).toContain("MALWAR_DB_BACKEND");
  });

  test("migrate against an unreachable PostgreSQL fails with one line and no password", async () => {
    const res = await run(["migrate"], {
      MALWAR_DB_BACKEND: "postgres",
      MALWAR_POSTGRES_URL: "postgres://malwar:hunter2pw@127.0.0.1:1/malwar",
      MALWAR_POSTGRES_CONNECT_TIMEOUT: "0",
    });
    expect(res.code).not.toBe(0);
    expect(ownLines(res.stderr)).toHaveLength(1);
    expect(res.stderr + res.stdout).not.toContain("hunter2pw");
  });

  test("keys create with an unknown role exits non-zero and prints no key", async () => {
    const res = await run(["keys", "create", "--name", "n", "--role", "superuser"], {
      MALWAR_DB_PATH: dir.file("keys.db"),
    });
    expect(res.code).not.toBe(0);
    expect(res.stdout.trim()).toBe("");
  });
});
