import { createLogger, type Logger } from "../../src/log/index.ts";

export interface CapturedLog {
  logger: Logger;
  /** Every record written so far, parsed. */
  records: Record<string, unknown>[];
  /** The `msg` of every record, for substring checks. */
  messages(): string[];
  clear(): void;
}

/** A real logger (JSON format) writing into memory instead of standard output. */
export function captureLog(level: "debug" | "info" | "warn" | "error" = "info"): CapturedLog {
  const records: Record<string, unknown>[] = [];
  const logger = createLogger({
    format: "json",
    level,
    destination: { write: (line: string) => records.push(JSON.parse(line) as Record<string, unknown>) },
  });
  return {
    logger,
    records,
    messages: () => records.map((r) => `${String(r.msg)} ${JSON.stringify(r)}`),
    clear: () => {
      records.length = 0;
    },
  };
}
