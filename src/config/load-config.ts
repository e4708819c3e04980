import { ConfigurationError } from "../errors/index.ts";
import { loadLogConfig } from "./log-config.ts";
import { DEFAULT_CONFIG, type StorageConfig } from "./storage-config.ts";
import { validateConfig } from "./validate-config.ts";

type Env = Record<string, string | undefined>;

const ENV_NAMES: Record<keyof Required<StorageConfig>, string> = {
  backend: "MALWAR_DB_BACKEND",
  dbPath: "MALWAR_DB_PATH",
  postgresUrl: "MALWAR_POSTGRES_URL",
  postgresReadUrl: "MALWAR_POSTGRES_READ_URL",
  postgresPoolMin: "MALWAR_POSTGRES_POOL_MIN",
  postgresPoolMax: "MALWAR_POSTGRES_POOL_MAX",
  autoMigrate: "MALWAR_AUTO_MIGRATE",
  postgresConnectTimeout: "MALWAR_POSTGRES_CONNECT_TIMEOUT",
  postgresStatementTimeout: "MALWAR_POSTGRES_STATEMENT_TIMEOUT",
  postgresPrepare: "MALWAR_POSTGRES_PREPARE",
  host: "MALWAR_HOST",
  port: "MALWAR_PORT",
};

// Exactly the words the configuration contract lists (docs/architecture.md); anything else (on/off included) is an unknown word.
const TRUE_WORDS = new Set(["true", "1", "yes"]);
const FALSE_WORDS = new Set(["false", "0", "no"]);

/**
 * Reads the MALWAR_* variables (Bun has already loaded `.env` into process.env). The logging
 * variables are not part of StorageConfig (`loadLogConfig` reads them) but are checked here too,
 * so a mistyped level stops start-up like any other bad setting.
 */
export function loadConfig(env: Env = process.env): StorageConfig {
  loadLogConfig(env);
  const read = (key: keyof StorageConfig): string | undefined => {
    const raw = env[ENV_NAMES[key]];
    if (raw === undefined) return undefined;
    const trimmed = raw.trim();
    return trimmed === "" ? undefined : trimmed;
  };
  const d = DEFAULT_CONFIG;
  const backend = backendName(read("backend"), d.backend);
  // The settings of the backend that is not selected are ignored, not validated (a leftover
  // MALWAR_POSTGRES_URL must not stop a SQLite start): a value that does not parse is the default.
  const postgres = <T>(parse: () => T, fallback: T): T => {
    if (backend === "postgres") return parse();
    try {
      return parse();
    } catch {
      return fallback;
    }
  };
  const config: StorageConfig = {
    backend,
    dbPath: read("dbPath") ?? d.dbPath,
    postgresUrl: read("postgresUrl") ?? d.postgresUrl,
    postgresReadUrl: read("postgresReadUrl") ?? d.postgresReadUrl,
    postgresPoolMin: postgres(
      () => integer(read("postgresPoolMin"), d.postgresPoolMin, ENV_NAMES.postgresPoolMin),
      d.postgresPoolMin,
    ),
    postgresPoolMax: postgres(
      () => integer(read("postgresPoolMax"), d.postgresPoolMax, ENV_NAMES.postgresPoolMax),
      d.postgresPoolMax,
    ),
    autoMigrate: boolean(read("autoMigrate"), d.autoMigrate, ENV_NAMES.autoMigrate),
    postgresConnectTimeout: postgres(
      () =>
        decimal(read("postgresConnectTimeout"), d.postgresConnectTimeout, ENV_NAMES.postgresConnectTimeout),
      d.postgresConnectTimeout,
    ),
    postgresStatementTimeout: postgres(
      () =>
        integer(
          read("postgresStatementTimeout"),
          d.postgresStatementTimeout,
          ENV_NAMES.postgresStatementTimeout,
        ),
      d.postgresStatementTimeout,
    ),
    postgresPrepare: postgres(
      () => boolean(read("postgresPrepare"), d.postgresPrepare, ENV_NAMES.postgresPrepare),
      d.postgresPrepare,
    ),
    host: read("host") ?? d.host,
    port: integer(read("port"), d.port, ENV_NAMES.port),
  };
  return validateConfig(config, ENV_NAMES);
}

/** Case-insensitive; the error shows the value as it was typed, not lowercased. */
function backendName(raw: string | undefined, fallback: StorageConfig["backend"]): StorageConfig["backend"] {
  if (raw === undefined) return fallback;
  const name = raw.toLowerCase();
  if (name !== "sqlite" && name !== "postgres") {
    throw new ConfigurationError(
      `${ENV_NAMES.backend} must be 'sqlite' or 'postgres' (got ${JSON.stringify(raw)})`,
    );
  }
  return name;
}

function integer(raw: string | undefined, fallback: number, name: string): number {
  if (raw === undefined) return fallback;
  if (!/^[+-]?\d+$/.test(raw)) {
    throw new ConfigurationError(`${name} must be a non-negative integer (got ${JSON.stringify(raw)})`);
  }
  return Number(raw);
}

function decimal(raw: string | undefined, fallback: number, name: string): number {
  if (raw === undefined) return fallback;
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(raw)) {
    throw new ConfigurationError(`${name} must be a non-negative number (got ${JSON.stringify(raw)})`);
  }
  return Number(raw);
}

function boolean(raw: string | undefined, fallback: boolean, name: string): boolean {
  if (raw === undefined) return fallback;
  const word = raw.toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  throw new ConfigurationError(`${name} must be one of true/false/1/0/yes/no (got ${JSON.stringify(raw)})`);
}
