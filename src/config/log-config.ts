import { ConfigurationError } from "../errors/index.ts";

export const LOG_FORMATS = ["json", "text"] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** From most to least talkative; `silent` turns logging off (embedding servers, tests). */
export const LOG_LEVELS = ["debug", "info", "warn", "error", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface LogSettings {
  /** "auto": text when standard output is a terminal, JSON otherwise. */
  format: LogFormat | "auto";
  level: LogLevel;
}

export const DEFAULT_LOG_SETTINGS: Readonly<LogSettings> = Object.freeze({ format: "auto", level: "info" });

export const LOG_ENV_NAMES = Object.freeze({ format: "MALWAR_LOG_FORMAT", level: "MALWAR_LOG_LEVEL" });

type Env = Record<string, string | undefined>;

/** Reads MALWAR_LOG_FORMAT and MALWAR_LOG_LEVEL (case-insensitive; empty means the default). */
export function loadLogConfig(env: Env = process.env): LogSettings {
  return {
    format: word(env, LOG_ENV_NAMES.format, [...LOG_FORMATS, "auto"], DEFAULT_LOG_SETTINGS.format),
    level: word(env, LOG_ENV_NAMES.level, LOG_LEVELS, DEFAULT_LOG_SETTINGS.level),
  };
}

function word<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === "") return fallback;
  const value = raw.toLowerCase();
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new ConfigurationError(`${name} must be one of ${allowed.join(", ")} (got ${JSON.stringify(raw)})`);
}
