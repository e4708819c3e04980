/**
 * Throwaway PostgreSQL clusters (initdb/pg_ctl from PG_BIN, run as `postgres` when this process
 * is root) on free ports in temp dirs, removed afterwards; `standbyOf` makes a streaming hot
 * standby with `pg_basebackup -R`. The shared server on 5432 is never touched.
 */
import { chownSync, existsSync, readdirSync } from "node:fs";
import { makeTempDir } from "../../support/temp-dir.ts";
import { freePort } from "./pgbouncer.ts";

/** Debian's layout: the newest /usr/lib/postgresql/<version>/bin, unless MALWAR_TEST_PG_BIN says. */
export const PG_BIN = process.env.MALWAR_TEST_PG_BIN ?? newestDebianBin();

function newestDebianBin(): string {
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => /^\d+$/.test(v))
        .sort((a, b) => Number(a) - Number(b))
    : [];
  return `${root}/${versions.at(-1) ?? "15"}/bin`;
}

/** initdb, pg_ctl and pg_basebackup are there. */
export function clusterToolsInstalled(): boolean {
  return ["initdb", "pg_ctl", "pg_basebackup"].every((tool) => existsSync(`${PG_BIN}/${tool}`));
}

/** Promotes a standby to a primary (pg_ctl promote, waiting for it). */
export function promote(standby: Cluster): void {
  run([`${PG_BIN}/pg_ctl`, "-D", standby.dataDir, "-w", "-t", "30", "promote"]);
}

export interface Cluster {
  port: number;
  dataDir: string;
  url(database: string): string;
  stop(): Promise<void>;
}

const asRoot = process.getuid?.() === 0;

function run(command: string[]): void {
  const full = asRoot ? ["runuser", "-u", "postgres", "--", ...command] : command;
  const result = Bun.spawnSync(full, { stdout: "pipe", stderr: "pipe" });
  if (result.exitCode !== 0) {
    throw new Error(`${command.join(" ")} failed: ${result.stderr.toString()}${result.stdout.toString()}`);
  }
}

function ownedTempDir(prefix: string) {
  const dir = makeTempDir(prefix);
  if (asRoot) {
    const uid = Number(Bun.spawnSync(["id", "-u", "postgres"]).stdout.toString().trim());
    const gid = Number(Bun.spawnSync(["id", "-g", "postgres"]).stdout.toString().trim());
    chownSync(dir.path, uid, gid);
  }
  return dir;
}

function startCluster(dir: ReturnType<typeof makeTempDir>, data: string, port: number): Cluster {
  run([
    `${PG_BIN}/pg_ctl`,
    "-D",
    data,
    "-l",
    dir.file(`log-${port}`),
    "-w",
    "-o",
    `-p ${port} -k ${dir.path} -c listen_addresses=127.0.0.1 -c max_connections=40 -c fsync=off`,
    "start",
  ]);
  let stopped = false;
  return {
    port,
    dataDir: data,
    url: (database) => `postgres://postgres@127.0.0.1:${port}/${database}`,
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        run([`${PG_BIN}/pg_ctl`, "-D", data, "-m", "immediate", "-w", "-t", "30", "stop"]);
      } finally {
        dir.cleanup();
      }
    },
  };
}

export async function startPrimary(): Promise<Cluster> {
  const dir = ownedTempDir("malwar-primary-");
  run([`${PG_BIN}/initdb`, "-D", dir.file("data"), "-A", "trust", "-U", "postgres", "--no-sync"]);
  return startCluster(dir, dir.file("data"), await freePort());
}

export async function standbyOf(primary: Cluster): Promise<Cluster> {
  const dir = ownedTempDir("malwar-standby-");
  run([
    `${PG_BIN}/pg_basebackup`,
    "-h",
    "127.0.0.1",
    "-p",
    String(primary.port),
    "-U",
    "postgres",
    "-D",
    dir.file("data"),
    "-R",
    "-X",
    "stream",
    "--checkpoint=fast",
  ]);
  return startCluster(dir, dir.file("data"), await freePort());
}
