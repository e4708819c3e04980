/**
 * A throwaway PgBouncer for the pooler suite: its own directory and free port, in front of the
 * shared PostgreSQL, transaction mode and otherwise the stock settings (no
 * ignore_startup_parameters, no prepared-statement support: 1.18 has none). PgBouncer refuses to
 * run as root, so under root it runs as `postgres`. Stopped by its pid.
 */
import { chownSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { makeTempDir } from "../../support/temp-dir.ts";

export const PGBOUNCER_BIN = process.env.MALWAR_TEST_PGBOUNCER ?? "/usr/sbin/pgbouncer";

export interface PgBouncer {
  port: number;
  /** A URL to `database` through the pooler. */
  url(database: string): string;
  /** The pooler's log so far (for failure messages). */
  log(): Promise<string>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export function pgbouncerInstalled(): boolean {
  return Bun.spawnSync(["test", "-x", PGBOUNCER_BIN]).exitCode === 0;
}

export interface PgBouncerOptions {
  serverPort?: number;
  poolMode?: "transaction" | "session";
  /** server connections per database/user pair */
  poolSize?: number;
}

export async function startPgBouncer(options: PgBouncerOptions = {}): Promise<PgBouncer> {
  const dir = makeTempDir("malwar-pgbouncer-");
  const port = await freePort();
  const asRoot = process.getuid?.() === 0;
  const ini = [
    "[databases]",
    `* = host=127.0.0.1 port=${options.serverPort ?? 5432}`,
    "[pgbouncer]",
    "listen_addr = 127.0.0.1",
    `listen_port = ${port}`,
    "unix_socket_dir =",
    "auth_type = trust",
    `auth_file = ${dir.file("userlist.txt")}`,
    `logfile = ${dir.file("pgbouncer.log")}`,
    `pidfile = ${dir.file("pgbouncer.pid")}`,
    `pool_mode = ${options.poolMode ?? "transaction"}`,
    `default_pool_size = ${options.poolSize ?? 20}`,
    "max_client_conn = 400",
    "",
  ].join("\n");
  writeFileSync(dir.file("pgbouncer.ini"), ini);
  writeFileSync(dir.file("userlist.txt"), '"postgres" ""\n');
  if (asRoot) {
    const ids = Bun.spawnSync(["id", "-u", "postgres"]).stdout.toString().trim();
    const gid = Bun.spawnSync(["id", "-g", "postgres"]).stdout.toString().trim();
    for (const f of ["", "pgbouncer.ini", "userlist.txt"]) chownSync(dir.file(f), Number(ids), Number(gid));
  }
  const command = [PGBOUNCER_BIN, dir.file("pgbouncer.ini")];
  const proc = Bun.spawn(asRoot ? ["runuser", "-u", "postgres", "--", ...command] : command, {
    stdout: "ignore",
    stderr: "pipe",
  });
  const logText = async () =>
    (await Bun.file(dir.file("pgbouncer.log")).exists())
      ? await Bun.file(dir.file("pgbouncer.log")).text()
      : "";
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (await canConnect(port)) break;
    if (proc.exitCode !== null || Date.now() > deadline) {
      const stderr = await new Response(proc.stderr).text().catch(() => "");
      proc.kill();
      const log = await logText();
      dir.cleanup();
      throw new Error(`pgbouncer did not start on port ${port}: ${stderr}\n${log}`);
    }
    await Bun.sleep(50);
  }
  return {
    port,
    url: (database) => `postgres://postgres@127.0.0.1:${port}/${database}`,
    log: logText,
    async stop() {
      // runuser forwards SIGTERM to pgbouncer, which then exits (its clients are cut).
      proc.kill("SIGTERM");
      const exited = await Promise.race([proc.exited.then(() => true), Bun.sleep(5_000).then(() => false)]);
      if (!exited) proc.kill("SIGKILL");
      dir.cleanup();
    },
  };
}

async function canConnect(port: number): Promise<boolean> {
  try {
    const socket = await Bun.connect({ hostname: "127.0.0.1", port, socket: { data() {} } });
    socket.end();
    return true;
  } catch {
    return false;
  }
}
