/**
 * A throwaway PostgreSQL cluster for tests that break the server (restart, kill, terminate):
 * initdb in a temp dir owned by `postgres`, started with pg_ctl on a free port, removed by
 * `destroy()`. The shared server on 5432 is never touched.
 *
 * Runs the binaries as `postgres` through runuser when this process is root (initdb refuses
 * root), as the current user otherwise.
 */
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The directory holding initdb/pg_ctl (MALWAR_TEST_PG_BIN, else the newest Debian-style install). */
export function postgresBinDir(): string | null {
  const fromEnv = process.env.MALWAR_TEST_PG_BIN;
  if (fromEnv && existsSync(join(fromEnv, "pg_ctl"))) return fromEnv;
  const versions = existsSync("/usr/lib/postgresql") ? readdirSync("/usr/lib/postgresql") : [];
  const dirs = versions
    .filter((v) => /^\d+$/.test(v))
    .sort((a, b) => Number(b) - Number(a))
    .map((v) => `/usr/lib/postgresql/${v}/bin`);
  return dirs.find((d) => existsSync(join(d, "pg_ctl"))) ?? null;
}

export type StopMode = "smart" | "fast" | "immediate";

export interface ThrowawayCluster {
  readonly port: number;
  readonly dataDir: string;
  /** postgres://postgres@127.0.0.1:PORT/DATABASE (trust auth). */
  url(database?: string): string;
  start(): Promise<void>;
  stop(mode?: StopMode): Promise<void>;
  /** pg_ctl restart -m MODE: the server is down for the restart's duration. */
  restart(mode: StopMode): Promise<void>;
  /** Runs SQL through psql as the superuser; returns stdout (unaligned, tuples only). */
  psql(sql: string, database?: string): Promise<string>;
  /** SIGSTOP (freeze) or SIGCONT (thaw) the postmaster and every server process: a server that
   * accepts TCP but never answers, as behind a network partition. */
  signalAll(signal: "SIGSTOP" | "SIGCONT"): Promise<number>;
  /** pg_terminate_backend on every client backend of `database` but psql's own; returns how many. */
  terminateBackends(database: string): Promise<number>;
  destroy(): Promise<void>;
}

/** A free TCP port on 127.0.0.1, as the kernel hands one out. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(argv: string[], options: { timeoutMs?: number } = {}): Promise<RunResult> {
  const asPostgres = process.getuid?.() === 0 ? ["runuser", "-u", "postgres", "--"] : [];
  const proc = Bun.spawn([...asPostgres, ...argv], {
    stdout: "pipe",
    stderr: "pipe",
    stdin: "ignore",
    cwd: tmpdir(),
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", LANG: "C.UTF-8", PGTZ: "UTC" },
  });
  const timer = setTimeout(() => proc.kill("SIGKILL"), options.timeoutMs ?? 60_000);
  try {
    const [stdout, stderr, code] = await Promise.all([
      new Response(proc.stdout).text(),
      new Response(proc.stderr).text(),
      proc.exited,
    ]);
    return { code, stdout, stderr };
  } finally {
    clearTimeout(timer);
  }
}

async function runOrThrow(argv: string[], options: { timeoutMs?: number } = {}): Promise<string> {
  const result = await run(argv, options);
  if (result.code !== 0) {
    throw new Error(`${argv.join(" ")} exited ${result.code}:\n${result.stderr}${result.stdout}`);
  }
  return result.stdout;
}

/**
 * Creates, configures and starts a cluster. Settings favour speed over durability only where a
 * test cannot tell (no fsync is NOT one of them: kill -9 cases rely on committed data surviving).
 */
export async function createThrowawayCluster(
  options: { maxConnections?: number; settings?: Record<string, string> } = {},
): Promise<ThrowawayCluster> {
  const bin = postgresBinDir();
  if (bin === null) throw new Error("no PostgreSQL server binaries (initdb, pg_ctl) found");
  const root = mkdtempSync(join(tmpdir(), "malwar-pgcluster-"));
  const dataDir = join(root, "data");
  const socketDir = root;
  if (process.getuid?.() === 0) {
    const ids = await runOrThrow(["id", "-u", "postgres"]).catch(() => "");
    const gids = await runOrThrow(["id", "-g", "postgres"]).catch(() => "");
    chownSync(root, Number(ids.trim()), Number(gids.trim()));
  }
  const port = await freePort();
  const logFile = join(root, "server.log");
  await runOrThrow(
    [join(bin, "initdb"), "-D", dataDir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-instructions"],
    { timeoutMs: 120_000 },
  );
  const settings: Record<string, string> = {
    port: String(port),
    listen_addresses: "'127.0.0.1'",
    unix_socket_directories: `'${socketDir}'`,
    max_connections: String(options.maxConnections ?? 60),
    shared_buffers: "'32MB'",
    log_min_messages: "warning",
    ...options.settings,
  };
  const conf = Object.entries(settings)
    .map(([k, v]) => `${k} = ${v}`)
    .join("\n");
  await Bun.write(join(root, "extra.conf"), `${conf}\n`);
  await runOrThrow([
    "sh",
    "-c",
    `cat '${join(root, "extra.conf")}' >> '${join(dataDir, "postgresql.conf")}'`,
  ]);

  const pgCtl = (args: string[]) =>
    runOrThrow([join(bin, "pg_ctl"), "-D", dataDir, "-l", logFile, "-w", "-t", "60", ...args], {
      timeoutMs: 90_000,
    });
  const psql = (sql: string, database = "postgres") =>
    runOrThrow([
      join(bin, "psql"),
      "-X",
      "-q",
      "-At",
      "-v",
      "ON_ERROR_STOP=1",
      "-h",
      "127.0.0.1",
      "-p",
      String(port),
      "-U",
      "postgres",
      "-d",
      database,
      "-c",
      sql,
    ]);
  let running = false;
  let destroyed = false;

  const cluster: ThrowawayCluster = {
    port,
    dataDir,
    url: (database = "postgres") => `postgres://postgres@127.0.0.1:${port}/${database}`,
    async start() {
      await pgCtl(["start"]);
      running = true;
    },
    async stop(mode = "fast") {
      await pgCtl(["stop", "-m", mode]);
      running = false;
    },
    async restart(mode) {
      await pgCtl(["restart", "-m", mode]);
      running = true;
    },
    psql,
    async signalAll(signal) {
      const pidLine = (await Bun.file(join(dataDir, "postmaster.pid")).text()).split("\n")[0] ?? "";
      const postmaster = Number(pidLine.trim());
      const children = (await run(["pgrep", "-P", String(postmaster)])).stdout
        .split("\n")
        .map((l) => Number(l.trim()))
        .filter((n) => n > 0);
      const pids = [postmaster, ...children];
      for (const pid of pids) process.kill(pid, signal);
      return pids.length;
    },
    async terminateBackends(database) {
      const out = await psql(
        `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '${database.replaceAll("'", "''")}' AND pid <> pg_backend_pid() AND backend_type = 'client backend'`,
      );
      return Number(out.trim());
    },
    async destroy() {
      if (destroyed) return;
      destroyed = true;
      if (running || existsSync(join(dataDir, "postmaster.pid"))) {
        await run([join(bin, "pg_ctl"), "-D", dataDir, "stop", "-m", "immediate", "-w", "-t", "30"]);
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
  try {
    await cluster.start();
  } catch (error) {
    await cluster.destroy();
    throw error;
  }
  return cluster;
}
