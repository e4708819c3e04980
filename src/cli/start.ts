/**
 * `bun run start`: serves the API on MALWAR_HOST:MALWAR_PORT with the configured backend.
 *
 * Prints each migration it applies (with its duration), then one line (URL, backend, schema
 * version; never a password), plus a notice when no API key exists and the service is open.
 * SIGINT/SIGTERM: stop accepting connections, let in-flight requests finish (up to 10 s), write
 * buffered usage counts, close the backend, exit 0. A configuration or storage failure at start is
 * one line on stderr and exit 1.
 *
 * `runStart` is the same start-up for an entry script that mounts routes of its own (the shutdown
 * tests' slow route lives in test/support, not here).
 */
import type { DatabaseBackend } from "../backends/index.ts";
import { loadConfig, loadRetentionConfig, postgresLocation, type StorageConfig } from "../config/index.ts";
import { ConfigurationError } from "../errors/index.ts";
import { runMigrations, schemaVersion } from "../migrate/index.ts";
import { ApiKeyRepository } from "../repositories/index.ts";
import { type ExtraRoutes, type RunningService, startService } from "../service/index.ts";
import { createBackend } from "../storage/index.ts";
import { errorLine, parseCli, printHelp, runCli } from "./cli-args.ts";
import { migrationLine } from "./cli-target.ts";

const SHUTDOWN_TIMEOUT_MS = 10_000;

const USAGE = `usage: bun run start

Serves the HTTP API (under /api/v1) until SIGINT or SIGTERM. Takes no arguments: it is configured
by the environment (and .env), e.g.
  MALWAR_HOST / MALWAR_PORT     where it listens (127.0.0.1 / 8000)
  MALWAR_DB_BACKEND             sqlite (MALWAR_DB_PATH, default malwar.db) or postgres (MALWAR_POSTGRES_URL)
  MALWAR_AUTO_MIGRATE           apply pending migrations first (true)
  MALWAR_RETENTION_DAYS         prune api_usage/audit_log rows older than this, hourly (0 = keep)
See README.md for every variable.
  -h, --help   this text`;

function target(config: StorageConfig): string {
  if (config.backend === "sqlite") return `sqlite (${config.dbPath})`;
  const location = postgresLocation(config.postgresUrl);
  return location === null ? "postgres" : `postgres (${location})`;
}

export interface RunStartOptions {
  /** Routes mounted next to the API's own. */
  extraRoutes?: ExtraRoutes;
}

/** Why Bun.serve refused, in terms of the variables the operator set. */
function listenFailure(error: unknown, host: string, port: number): Error {
  const code = (error as { code?: unknown })?.code;
  const where = `MALWAR_HOST=${JSON.stringify(host)} MALWAR_PORT=${port}`;
  switch (code) {
    case "EADDRINUSE":
      return new Error(`cannot listen: ${host}:${port} is already in use (${where})`);
    case "EADDRNOTAVAIL":
      return new ConfigurationError(`MALWAR_HOST ${JSON.stringify(host)} is not an address of this machine`);
    case "EACCES":
      return new ConfigurationError(`MALWAR_PORT ${port} needs privileges this process lacks (${where})`);
    case "ENOTFOUND":
    case "EINVAL":
    case "ENOENT":
    case "EAI_AGAIN":
    case "EAI_NONAME":
      return new ConfigurationError(
        `MALWAR_HOST ${JSON.stringify(host)} is not a host name or address this machine can listen on`,
      );
    default: {
      const message = error instanceof Error ? error.message : String(error);
      return new Error(`cannot listen on ${where}: ${message}`);
    }
  }
}

async function openMigrated(config: StorageConfig): Promise<DatabaseBackend> {
  const backend = await createBackend({ ...config, autoMigrate: false });
  if (!config.autoMigrate) return backend;
  try {
    await runMigrations(backend, { onApplied: (m) => console.log(migrationLine(m)) });
  } catch (error) {
    await backend.close().catch(() => {});
    throw error;
  }
  return backend;
}

async function main(options: RunStartOptions): Promise<number> {
  if (parseCli({ tool: "start", usage: USAGE, options: {} }, process.argv.slice(2)) === "help") {
    return printHelp(USAGE);
  }
  const config = loadConfig();
  const { retentionDays } = loadRetentionConfig();
  const backend = await openMigrated(config);
  let service: RunningService;
  try {
    service = startService({
      backend,
      host: config.host,
      port: config.port,
      extraRoutes: options.extraRoutes,
      retention: retentionDays > 0 ? { days: retentionDays } : undefined,
    });
  } catch (error) {
    await backend.close().catch(() => {});
    throw listenFailure(error, config.host, config.port);
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.error(`malwar start: ${signal} received, finishing in-flight requests`);
    let exitCode = 0;
    try {
      await service.stop({ timeoutMs: SHUTDOWN_TIMEOUT_MS });
    } catch (error) {
      console.error(errorLine("start", new Error(`while stopping the server: ${String(error)}`)));
      exitCode = 1;
    }
    try {
      await backend.close();
    } catch (error) {
      console.error(errorLine("start", new Error(`while closing the backend: ${String(error)}`)));
      exitCode = 1;
    }
    process.exit(exitCode);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));

  const [version, activeKeys] = await Promise.all([
    schemaVersion(backend),
    new ApiKeyRepository(backend).countActive(),
  ]);
  console.log(`malwar listening on ${service.url} backend=${target(config)} schema_version=${version}`);
  if (activeKeys === 0) {
    console.log(
      "malwar: no active API key: the service is OPEN to anyone who can reach it. " +
        "Create one with: bun run keys create --name NAME --role admin",
    );
  }
  return 0;
}

/** Starts the service as `bun run start` does; a failure is one line on stderr and exit 1. */
export async function runStart(options: RunStartOptions = {}): Promise<void> {
  await runCli("start", USAGE, () => main(options));
}

if (import.meta.main) await runStart();
