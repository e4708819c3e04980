/**
 * compose.yaml, Dockerfile and .env.example are what a new user meets first; these checks keep
 * them in step with the configuration contract (DESIGN.md "Configuration").
 */
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { DEFAULT_CONFIG, DEFAULT_LOG_SETTINGS, loadRetentionConfig } from "../../src/config/index.ts";
import { SQLiteBackend } from "../../src/index.ts";
import { startService } from "../../src/service/index.ts";
import { freePort } from "../faults/support/pg-cluster.ts";
import { captureLog } from "../support/capture-log.ts";

const root = join(import.meta.dir, "..", "..");
const read = (name: string) => Bun.file(join(root, name)).text();

type Compose = {
  services: Record<string, Record<string, unknown>>;
};

function asRecord(value: unknown, what: string): Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value))
    throw new Error(`${what} is not a mapping`);
  return value as Record<string, unknown>;
}

/** compose lets `environment` be a mapping or a list of KEY=VALUE strings. */
function envOf(service: Record<string, unknown>): Record<string, string> {
  const env = service.environment;
  if (Array.isArray(env)) {
    return Object.fromEntries(
      env.map((line) => {
        const text = String(line);
        const eq = text.indexOf("=");
        return [text.slice(0, eq), text.slice(eq + 1)];
      }),
    );
  }
  return Object.fromEntries(Object.entries(asRecord(env, "environment")).map(([k, v]) => [k, String(v)]));
}

describe("compose.yaml", () => {
  test("postgres:17 with a pg_isready healthcheck, the service waiting for it to be healthy", async () => {
    const compose = Bun.YAML.parse(await read("compose.yaml")) as Compose;
    const services = asRecord(compose.services, "services");
    const entries = Object.entries(services).map(([name, s]) => [name, asRecord(s, name)] as const);
    const db = entries.find(([, s]) => String(s.image ?? "").startsWith("postgres:"));
    expect(db).toBeDefined();
    const [dbName, dbService] = db!;
    expect(dbService.image).toBe("postgres:17");
    const health = asRecord(dbService.healthcheck, "healthcheck");
    const probe = Array.isArray(health.test) ? health.test.join(" ") : String(health.test);
    expect(probe).toContain("pg_isready");

    const app = entries.find(([, s]) => s.build !== undefined);
    expect(app).toBeDefined();
    const [, appService] = app!;
    const dependsOn = asRecord(appService.depends_on, "depends_on");
    expect(asRecord(dependsOn[dbName], dbName).condition).toBe("service_healthy");

    const env = envOf(appService);
    expect(env.MALWAR_DB_BACKEND).toBe("postgres");
    expect(env.MALWAR_HOST).toBe("0.0.0.0");
    expect(env.MALWAR_PORT).toBe("8000");
    const url = new URL(env.MALWAR_POSTGRES_URL ?? "");
    expect(["postgres:", "postgresql:"]).toContain(url.protocol);
    // The URL must point at the compose service by name, not at localhost inside the container.
    expect(url.hostname).toBe(dbName);
    expect((appService.ports as unknown[]).map(String).some((p) => p.endsWith(":8000"))).toBe(true);
  });

  test("docker-compose accepts the file", async () => {
    const bin = Bun.which("docker-compose");
    if (bin === null) {
      console.warn(
        "\n!!! docker-compose is not installed: `docker-compose config -q` on compose.yaml is SKIPPED !!!\n",
      );
      return;
    }
    const proc = Bun.spawn([bin, "-f", join(root, "compose.yaml"), "config", "-q"], {
      stdout: "pipe",
      stderr: "pipe",
      cwd: root,
    });
    const [code, stderr] = await Promise.all([proc.exited, new Response(proc.stderr).text()]);
    // stderr rides along so a failure shows docker-compose's own reason.
    expect({ code, stderr: stderr.trim() }).toEqual({ code: 0, stderr: expect.any(String) });
  });
});

describe("Dockerfile", () => {
  test("builds from oven/bun:1.4.5 with a frozen lockfile and starts the service", async () => {
    const lines = (await read("Dockerfile"))
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l !== "" && !l.startsWith("#"));
    expect(lines[0]).toBe("FROM oven/bun:1.4.5");
    expect(lines.some((l) => /^RUN bun install\b.*--frozen-lockfile/.test(l))).toBe(true);
    const copied = lines.filter((l) => l.startsWith("COPY ")).join(" ");
    for (const needed of ["package.json", "bun.lock", "src", "migrations"]) expect(copied).toContain(needed);
    const install = lines.findIndex((l) => l.startsWith("RUN bun install"));
    // patchedDependencies (the postgres.js fix) must be in place when bun install applies them.
    const copyPatches = lines.findIndex((l) => /^COPY patches\b/.test(l));
    expect(copyPatches).toBeGreaterThan(-1);
    expect(copyPatches).toBeLessThan(install);
    const copySrc = lines.findIndex((l) => /^COPY src\b/.test(l));
    // Source copied after the install keeps the dependency layer cached across code edits.
    expect(install).toBeLessThan(copySrc);
    expect(lines.at(-1)).toBe('CMD ["bun", "run", "start"]');
  });
});

/** The `bun -e` probe of a HEALTHCHECK exec form: ["bun", "-e", CODE]. */
function bunProbe(argv: unknown): string {
  expect(Array.isArray(argv)).toBe(true);
  const args = (argv as unknown[]).map(String);
  const from = args[0] === "CMD" ? 1 : 0;
  expect(args.slice(from, from + 2)).toEqual(["bun", "-e"]);
  expect(args).toHaveLength(from + 3);
  return args[from + 2] as string;
}

async function dockerfileProbe(): Promise<string> {
  const line = (await read("Dockerfile")).split("\n").find((l) => l.startsWith("HEALTHCHECK "));
  expect(line).toBeDefined();
  const exec = /\bCMD (\[.*\])\s*$/.exec(line as string)?.[1];
  expect(exec).toBeDefined();
  return bunProbe(JSON.parse(exec as string));
}

async function runProbe(code: string, port: number): Promise<number> {
  const proc = Bun.spawn([process.execPath, "-e", code], {
    env: { PATH: process.env.PATH ?? "", MALWAR_PORT: String(port) },
    stdout: "ignore",
    stderr: "ignore",
  });
  return proc.exited;
}

describe("health checks (Dockerfile HEALTHCHECK, compose healthcheck)", () => {
  test("both run the same bun probe of /api/v1/health, before CMD", async () => {
    const probe = await dockerfileProbe();
    expect(probe).toContain("/api/v1/health");
    const lines = (await read("Dockerfile")).split("\n").filter((l) => /^[A-Z]+ /.test(l));
    expect(lines.findIndex((l) => l.startsWith("HEALTHCHECK "))).toBeLessThan(
      lines.findIndex((l) => l.startsWith("CMD ")),
    );
    const compose = Bun.YAML.parse(await read("compose.yaml")) as Compose;
    const app = Object.values(compose.services).find((s) => s.build !== undefined) as Record<string, unknown>;
    const health = asRecord(app.healthcheck, "malwar healthcheck");
    expect(bunProbe(health.test)).toBe(probe);
  });

  test("the probe exits 0 against a running service, even with its database closed, and 1 with nothing listening", async () => {
    const probe = await dockerfileProbe();
    const backend = await SQLiteBackend.open(":memory:");
    const port = await freePort();
    const service = startService({ backend, host: "127.0.0.1", port, logger: captureLog("error").logger });
    try {
      expect(await runProbe(probe, port)).toBe(0);
      // Liveness: a database that no longer answers does not make the container unhealthy.
      await backend.close();
      expect(await runProbe(probe, port)).toBe(0);
    } finally {
      await service.stop();
    }
    expect(await runProbe(probe, port)).toBe(1);
  });
});

describe(".env.example", () => {
  test("lists every MALWAR_* variable with its default, commented out", async () => {
    const text = await read(".env.example");
    const defaults: Record<string, string> = {
      MALWAR_DB_BACKEND: DEFAULT_CONFIG.backend,
      MALWAR_DB_PATH: DEFAULT_CONFIG.dbPath,
      MALWAR_POSTGRES_POOL_MIN: String(DEFAULT_CONFIG.postgresPoolMin),
      MALWAR_POSTGRES_POOL_MAX: String(DEFAULT_CONFIG.postgresPoolMax),
      MALWAR_AUTO_MIGRATE: String(DEFAULT_CONFIG.autoMigrate),
      MALWAR_POSTGRES_CONNECT_TIMEOUT: String(DEFAULT_CONFIG.postgresConnectTimeout),
      MALWAR_POSTGRES_STATEMENT_TIMEOUT: String(DEFAULT_CONFIG.postgresStatementTimeout),
      MALWAR_POSTGRES_PREPARE: String(DEFAULT_CONFIG.postgresPrepare),
      MALWAR_HOST: DEFAULT_CONFIG.host,
      MALWAR_PORT: String(DEFAULT_CONFIG.port),
      MALWAR_LOG_FORMAT: DEFAULT_LOG_SETTINGS.format,
      MALWAR_LOG_LEVEL: DEFAULT_LOG_SETTINGS.level,
      MALWAR_RETENTION_DAYS: String(loadRetentionConfig({}).retentionDays),
    };
    const assignments = new Map<string, string>();
    for (const line of text.split("\n")) {
      const m = /^#\s*(MALWAR_[A-Z_]+)=(.*)$/.exec(line.trim());
      if (m) assignments.set(m[1]!, m[2]!.trim());
      // Nothing active: copying the example must not change behaviour.
      expect(/^\s*MALWAR_/.test(line)).toBe(false);
    }
    for (const [name, value] of Object.entries(defaults)) expect(assignments.get(name)).toBe(value);
    // The URL has no default; an example is shown so users see the shape.
    expect(assignments.has("MALWAR_POSTGRES_URL")).toBe(true);
    // The read replica is optional and has no default either.
    expect(assignments.get("MALWAR_POSTGRES_READ_URL")).toBe("");
    expect([...assignments.keys()].sort()).toEqual(
      [...Object.keys(defaults), "MALWAR_POSTGRES_URL", "MALWAR_POSTGRES_READ_URL"].sort(),
    );
  });
});
