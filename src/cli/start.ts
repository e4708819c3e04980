/**
 * `bun run start`: serves the API on MALWAR_HOST:MALWAR_PORT with the configured backend.
 *
 * Logs to stdout through src/log (JSON, or text on a terminal): each migration it applies (with
 * its duration), one line when it listens (URL, backend, schema version; never a password), a
 * warning when no API key exists and the service is open, then one line per request.
 * SIGINT/SIGTERM: stop accepting connections, let in-flight requests finish (up to 10 s), write
 * buffered usage counts, close the backend, exit 0. A configuration or storage failure at start is
 * one line on stderr (`malwar start: …`) and exit 1 (and, once the logger is set up, an error
 * record in the log).
 *
 * `runStart` is the same start-up for an entry script that mounts routes of its own (the shutdown
 * tests' slow route lives in test/support, not here).
 */
import type { DatabaseBackend } from "../backends/index.ts";
import {
  loadConfig,
  loadLogConfig,
  loadRetentionConfig,
  postgresLocation,
  type StorageConfig,
} from "../config/index.ts";
import { ConfigurationError } from "../errors/index.ts";
import { createLogger, describeError, getLogger, type Logger, setLogger } from "../log/index.ts";
import { runMigrations, schemaVersion } from "../migrate/index.ts";
import { ApiKeyRepository } from "../repositories/index.ts";
import { type ExtraRoutes, type RunningService, startService } from "../service/index.ts";
import { createBackend } from "../storage/index.ts";
import { parseCli, printHelp, runCli } from "./cli-args.ts";
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

async function openMigrated(config: StorageConfig, log: Logger): Promise<DatabaseBackend> {
  const backend = await createBackend({ ...config, autoMigrate: false });
  if (!config.autoMigrate) return backend;
  try {
    await runMigrations(backend, {
      onApplied: (m) =>
        log.info(
          {
            migration: `${String(m.version).padStart(3, "0")}_${m.name}`,
            duration_ms: Number(m.durationMs.toFixed(1)),
          },
          migrationLine(m),
        ),
    });
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
  setLogger(createLogger(loadLogConfig()));
  logging = true;
  const log = getLogger();
  const backend = await openMigrated(config, log);
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
    log.info({ signal }, `${signal} received, finishing in-flight requests`);
    let exitCode = 0;
    try {
      await service.stop({ timeoutMs: SHUTDOWN_TIMEOUT_MS });
    } catch (error) {
      log.error({ error: describeError(error) }, "error while stopping the server");
      exitCode = 1;
    }
    try {
      await backend.close();
    } catch (error) {
      log.error({ error: describeError(error) }, "error while closing the backend");
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
  log.info(
    // No URL among the fields: readers that take the first http://… up to a space from the line
    // find it in the message, where a space follows it.
    {
      host: service.server.hostname,
      port: service.server.port,
      backend: config.backend,
      schema_version: version,
    },
    `malwar listening on ${service.url} backend=${target(config)} schema_version=${version}`,
  );
  const readOnly = await backend.readOnlyReason();
  if (readOnly !== null) {
    log.warn(
      { backend: config.backend },
      `malwar: ${target(config)}: ${readOnly}; /api/v1/ready answers 503 and writes fail until MALWAR_POSTGRES_URL names the primary (or target_session_attrs=read-write picks it)`,
    );
  }
  if (activeKeys === 0) {
    log.warn(
      "malwar: no active API key: the service is OPEN to anyone who can reach it. " +
        "Create one with: bun run keys create --name NAME --role admin",
    );
  }
  return 0;
}

/** Set once the logger is configured: failures before that have only the line on stderr. */
let logging = false;

/** Starts the service as `bun run start` does; a failure is one line on stderr and exit 1. */
export async function runStart(options: RunStartOptions = {}): Promise<void> {
  await runCli("start", USAGE, async () => {
    try {
      return await main(options);
    } catch (error) {
      // The log record is for whatever collects the service's logs; runCli's line on stderr is for a person.
      if (logging) getLogger().error({ error: describeError(error) }, "start failed");
      throw error;
    }
  });
  // Nothing started must keep a failed start alive.
  if (process.exitCode !== 0 && process.exitCode !== undefined) process.exit(process.exitCode);
}

if (import.meta.main) await runStart();
