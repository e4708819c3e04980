import pino from "pino";
import { DEFAULT_LOG_SETTINGS, type LogFormat, type LogLevel, loadLogConfig } from "../config/index.ts";
import { toTextLine } from "./text-lines.ts";

export type Logger = pino.Logger;

/** Where lines go: anything with a `write(line)` (tests pass an array-backed one). */
export interface LogDestination {
  write(line: string): unknown;
}

export interface LoggerOptions {
  /** Default (and "auto"): text when standard output is a terminal, JSON otherwise. */
  format?: LogFormat | "auto";
  level?: LogLevel;
  /** Default: standard output, written synchronously. */
  destination?: LogDestination;
}

/**
 * A pino logger writing one line per record: `{"level":"info","time":"…Z",…,"msg":"…"}`.
 *
 * Written synchronously to the file descriptor: a line is out before `process.exit` (which the
 * CLIs call) and nothing is held in a buffer a crash would lose. pino's worker-thread transports
 * are not used (the text form is a plain reformatting of each line on this thread).
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const sink = options.destination ?? pino.destination({ dest: 1, sync: true });
  const format = resolveFormat(options.format ?? DEFAULT_LOG_SETTINGS.format);
  const destination: LogDestination =
    format === "text" ? { write: (line: string) => sink.write(toTextLine(line)) } : sink;
  return pino(
    {
      level: options.level ?? DEFAULT_LOG_SETTINGS.level,
      // No pid/hostname on every line: one process per container, and the collector adds the host.
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination as pino.DestinationStream,
  );
}

function resolveFormat(format: LogFormat | "auto"): LogFormat {
  if (format !== "auto") return format;
  return process.stdout.isTTY ? "text" : "json";
}

let root: Logger | undefined;

/**
 * The process's logger, made on first use from MALWAR_LOG_FORMAT / MALWAR_LOG_LEVEL. A bad value
 * there falls back to the defaults here (logging must not throw inside a request); `loadConfig`
 * is where it is refused, at start-up.
 */
export function getLogger(): Logger {
  root ??= createLogger(settingsFromEnv());
  return root;
}

/** Replaces the process's logger (undefined: made again from the environment on next use). */
export function setLogger(logger: Logger | undefined): void {
  root = logger;
}

function settingsFromEnv(): LoggerOptions {
  try {
    return loadLogConfig();
  } catch {
    return { ...DEFAULT_LOG_SETTINGS };
  }
}
