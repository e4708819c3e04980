import { ConfigurationError, redactUrl } from "../errors/index.ts";
import { parsePostgresUrl } from "./postgres-url.ts";
import { BACKEND_NAMES, DEFAULT_CONFIG, type StorageConfig } from "./storage-config.ts";

/**
 * Checks a complete config. Shared by `loadConfig` (values from the environment) and
 * `resolveConfig` (values handed in by an embedding server), so both refuse the same things.
 * `names` maps each field to what the user called it, so the message names their variable.
 */
export function validateConfig(
  config: StorageConfig,
  names: Record<keyof StorageConfig, string>,
): StorageConfig {
  if (!(BACKEND_NAMES as readonly string[]).includes(config.backend)) {
    fail(names.backend, String(config.backend), "must be 'sqlite' or 'postgres'");
  }
  if (config.backend === "sqlite") checkSqlite(config, names);
  else checkPostgres(config, names);
  checkInteger(config.port, names.port, 0);
  if (config.port > 65535) fail(names.port, String(config.port), "must be a port number from 0 to 65535");
  if (typeof config.autoMigrate !== "boolean")
    fail(names.autoMigrate, String(config.autoMigrate), "must be a boolean");
  return config;
}

/** Only the selected backend's settings are checked: the other's are ignored, whatever they hold. */
function checkSqlite(config: StorageConfig, names: Record<keyof StorageConfig, string>): void {
  if (typeof config.dbPath !== "string" || config.dbPath.length === 0) {
    fail(names.dbPath, String(config.dbPath), "must be a file path or ':memory:'");
  }
}

function checkPostgres(config: StorageConfig, names: Record<keyof StorageConfig, string>): void {
  if (config.postgresUrl === "") {
    throw new ConfigurationError(`${names.postgresUrl} is required when ${names.backend} is 'postgres'`);
  }
  checkPostgresUrl(config.postgresUrl, names.postgresUrl);
  if (config.postgresReadUrl !== undefined && config.postgresReadUrl !== "") {
    checkPostgresUrl(String(config.postgresReadUrl), names.postgresReadUrl);
  }
  checkInteger(config.postgresPoolMin, names.postgresPoolMin, 0);
  checkInteger(config.postgresPoolMax, names.postgresPoolMax, 1);
  if (config.postgresPoolMin > config.postgresPoolMax) {
    throw new ConfigurationError(
      `${names.postgresPoolMin} (${config.postgresPoolMin}) must not exceed ${names.postgresPoolMax} (${config.postgresPoolMax})`,
    );
  }
  if (!Number.isFinite(config.postgresConnectTimeout) || config.postgresConnectTimeout < 0) {
    fail(
      names.postgresConnectTimeout,
      String(config.postgresConnectTimeout),
      "must be a non-negative number of seconds",
    );
  }
  checkInteger(config.postgresStatementTimeout, names.postgresStatementTimeout, 0);
  if (typeof config.postgresPrepare !== "boolean") {
    fail(names.postgresPrepare, String(config.postgresPrepare), "must be a boolean");
  }
}

function checkPostgresUrl(url: string, name: string): void {
  const result = parsePostgresUrl(url);
  if (!result.ok) {
    fail(
      name,
      hidePassword(url),
      result.problem === "syntax" ? "is not a valid URL" : "must start with postgres:// or postgresql://",
    );
  }
  const parsed = result.url;
  if (parsed.hostname === "" && !parsed.searchParams.has("host")) {
    fail(name, hidePassword(url), "has no host");
  }
}

/**
 * redactUrl stops at the first `@`, so a password typed with a raw `@` in it (`p@ss`) would
 * keep its tail; a URL being refused is exactly where such typos show up. Everything between
 * `user:` and the last `@` before the path goes.
 */
function hidePassword(url: string): string {
  const scheme = url.indexOf("://");
  // Without a scheme ("user:pw@host"), what looks like one is really the user name.
  const start = scheme === -1 ? 0 : scheme + 3;
  const authorityEnd = url.slice(start).search(/[/?#]/);
  const end = authorityEnd === -1 ? url.length : start + authorityEnd;
  const authority = url.slice(start, end);
  const at = authority.lastIndexOf("@");
  const colon = authority.indexOf(":");
  if (at === -1 || colon === -1 || colon > at) return redactUrl(url);
  return `${url.slice(0, start)}${authority.slice(0, colon + 1)}***${authority.slice(at)}${url.slice(end)}`;
}

function checkInteger(value: number, name: string, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) {
    fail(
      name,
      String(value),
      min === 0 ? "must be a non-negative integer" : `must be an integer of at least ${min}`,
    );
  }
}

function fail(name: string, value: string, rule: string): never {
  throw new ConfigurationError(`${name} ${rule} (got ${JSON.stringify(value)})`);
}

const FIELD_NAMES = Object.fromEntries(Object.keys(DEFAULT_CONFIG).map((k) => [k, k])) as Record<
  keyof StorageConfig,
  string
>;

/** Fills what a partial config leaves out with the defaults, then validates it. */
export function resolveConfig(partial: Partial<StorageConfig> = {}): StorageConfig {
  const defined = Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined));
  return validateConfig({ ...DEFAULT_CONFIG, ...defined } as StorageConfig, FIELD_NAMES);
}
