/**
 * `bun run start`: serves the API on MALWAR_HOST:MALWAR_PORT with the configured backend.
 *
 * Logs to stdout through src/log (JSON, or text on a terminal): one line when it listens (URL,
 * backend, schema version; never a password), a warning when no API key exists and the service is
 * open, then one line per request. SIGINT/SIGTERM: stop accepting connections, let in-flight
 * requests finish (up to 10 s), write buffered usage counts, close the backend, exit 0.
 * A configuration or storage failure at start is one line on stderr and exit 1 (and, once the
 * logger is set up, an error record in the log).
 *
 * `runStart` is the same start-up for an entry script that mounts routes of its own (the shutdown
 * tests' slow route lives in test/support, not here).
 */
import type { DatabaseBackend } from "../backends/database-backend.ts";
import { loadConfig, loadLogConfig, postgresLocation, type StorageConfig } from "../config/index.ts";
import { MalwarError, redactUrl } from "../errors/index.ts";
import { createLogger, describeError, getLogger, setLogger } from "../log/index.ts";
import { schemaVersion } from "../migrate/index.ts";
import { ApiKeyRepository } from "../repositories/index.ts";
import { type ExtraRoutes, type RunningService, startService } from "../service/index.ts";
import { createBackend } from "../storage/index.ts";

const SHUTDOWN_TIMEOUT_MS = 10_000;

function target(config: StorageConfig): string {
  if (config.backend === "sqlite") return `sqlite (${config.dbPath})`;
  const location = postgresLocation(config.postgresUrl);
  return location === null ? "postgres" : `postgres (${location})`;
}

function safeMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // Multi-line messages (the missing-driver hint) keep their lines; stacks never reach the user.
  return redactUrl(message);
}

/** Set once the logger is configured: failures before that have only the line on stderr. */
let logging = false;

export interface RunStartOptions {
  /** Routes mounted next to the API's own. */
  extraRoutes?: ExtraRoutes;
}

async function main(options: RunStartOptions): Promise<void> {
  const config = loadConfig();
  setLogger(createLogger(loadLogConfig()));
  logging = true;
  const log = getLogger();
  const backend: DatabaseBackend = await createBackend(config);
  let service: RunningService;
  try {
    service = startService({
      backend,
      host: config.host,
      port: config.port,
      extraRoutes: options.extraRoutes,
    });
  } catch (error) {
    await backend.close().catch(() => {});
    const code = (error as { code?: unknown })?.code;
    const reason =
      code === "EADDRINUSE" ? `${config.host}:${config.port} is already in use` : safeMessage(error);
    throw new Error(`cannot listen: ${reason}`);
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
  if (activeKeys === 0) {
    log.warn(
      "malwar: no active API key: the service is OPEN to anyone who can reach it. " +
        "Create one with: bun run keys create --name NAME --role admin",
    );
  }
}

/** Starts the service as `bun run start` does; a failure is one line on stderr and exit 1. */
export async function runStart(options: RunStartOptions = {}): Promise<void> {
  try {
    await main(options);
  } catch (error) {
    const prefix = error instanceof MalwarError ? `malwar: ${error.name}: ` : "malwar: ";
    // The log line is for whatever collects the service's logs; the line on stderr is for a person.
    if (logging) getLogger().error({ error: describeError(error) }, "start failed");
    console.error(prefix + safeMessage(error));
    process.exit(1);
  }
}

if (import.meta.main) await runStart();
