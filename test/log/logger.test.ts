/** src/log: the settings, the JSON and text forms of a line, and MALWAR_LOG_* refused when wrong. */
import { describe, expect, test } from "bun:test";
import { loadConfig, loadLogConfig } from "../../src/config/index.ts";
import { ConfigurationError } from "../../src/errors/index.ts";
import * as publicSurface from "../../src/index.ts";
import { createLogger, getLogger } from "../../src/log/index.ts";
import { toTextLine } from "../../src/log/text-lines.ts";

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

describe("MALWAR_LOG_FORMAT / MALWAR_LOG_LEVEL", () => {
  test("defaults: format chosen by the terminal, level info; words are case-insensitive", () => {
    expect(loadLogConfig({})).toEqual({ format: "auto", level: "info" });
    expect(loadLogConfig({ MALWAR_LOG_FORMAT: " JSON ", MALWAR_LOG_LEVEL: "Debug" })).toEqual({
      format: "json",
      level: "debug",
    });
    expect(loadLogConfig({ MALWAR_LOG_FORMAT: "", MALWAR_LOG_LEVEL: "" })).toEqual({
      format: "auto",
      level: "info",
    });
  });

  test("a bad value is a ConfigurationError naming the variable and the value, from loadConfig too", () => {
    for (const [name, bad] of [
      ["MALWAR_LOG_FORMAT", "yaml"],
      ["MALWAR_LOG_LEVEL", "verbose"],
    ] as const) {
      for (const load of [loadLogConfig, loadConfig]) {
        const error = thrown(() => load({ [name]: bad }));
        expect(error).toBeInstanceOf(ConfigurationError);
        expect((error as Error).message).toContain(name);
        expect((error as Error).message).toContain(bad);
      }
    }
  });
});

describe("createLogger", () => {
  function capture(format: "json" | "text", level: "debug" | "info" | "warn" = "info") {
    const lines: string[] = [];
    const logger = createLogger({ format, level, destination: { write: (l: string) => lines.push(l) } });
    return { logger, lines };
  }

  test("JSON: one line per record with level name, ISO time, fields, msg; below the level nothing", () => {
    const { logger, lines } = capture("json", "info");
    logger.debug("hidden");
    logger.info({ request_id: "r-1", status: 200 }, "request");
    logger.warn("careful");
    expect(lines).toHaveLength(2);
    const first = JSON.parse(lines[0] as string);
    expect(first).toEqual({
      level: "info",
      time: expect.any(String),
      request_id: "r-1",
      status: 200,
      msg: "request",
    });
    expect(new Date(first.time).toISOString()).toBe(first.time);
    expect(lines.every((l) => l.endsWith("\n") && l.indexOf("\n") === l.length - 1)).toBe(true);
    expect(JSON.parse(lines[1] as string).level).toBe("warn");
  });

  test("text: time, level, message, then the fields the message does not already say", () => {
    const { logger, lines } = capture("text");
    logger.info({ request_id: "r-2", route: "/api/v1/scans/:id", status: 404, key_id: null }, "request");
    logger.info(
      { backend: "sqlite", schema_version: 5, url: "http://127.0.0.1:8000" },
      "listening on http://127.0.0.1:8000 backend=sqlite (x.db) schema_version=5",
    );
    logger.warn({ error: "StorageError: it broke" }, "could not record");
    expect(lines[0]).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z INFO {2}request request_id=r-2 route=\/api\/v1\/scans\/:id status=404 key_id=null\n$/,
    );
    expect(lines[1]).toMatch(
      /Z INFO {2}listening on http:\/\/127\.0\.0\.1:8000 backend=sqlite \(x\.db\) schema_version=5\n$/,
    );
    expect(lines[2]).toMatch(/Z WARN {2}could not record error="StorageError: it broke"\n$/);
  });

  test("embedders get the logger from src/index.ts, to hand startService one of their own", () => {
    expect(publicSurface.createLogger).toBe(createLogger);
    expect(publicSurface.getLogger).toBe(getLogger);
  });

  test("a line that is not JSON passes through the text form unchanged", () => {
    expect(toTextLine("plain")).toBe("plain\n");
  });
});
