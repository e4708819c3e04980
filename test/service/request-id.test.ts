/**
 * Request ids on the error paths a subprocess cannot provoke: a storage failure (503 with the id
 * in the body and in the error log record) and a route's own error body (readiness), which gets
 * the id added on the way out.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { endpoint } from "../../src/service/endpoint.ts";
import { startService } from "../../src/service/index.ts";
import { captureLog } from "../support/capture-log.ts";
import { makeTempDir } from "../support/temp-dir.ts";
import { openSqlite } from "./support/backends.ts";

type ErrorBody = { error: { code: string; message: string; request_id?: string } };

describe("request ids on error paths (SQLite)", () => {
  const dir = makeTempDir("malwar-reqid-");
  afterAll(() => dir.cleanup());

  test("a storage failure: 503 whose body, header and error log record share the id", async () => {
    const backend = await openSqlite(dir.file("broken.db"));
    const log = captureLog("info");
    const service = startService({ backend, port: 0, logger: log.logger });
    try {
      await backend.execute("DROP TABLE publishers");
      const res = await fetch(`${service.url}/api/v1/publishers/someone`, {
        headers: { "x-request-id": "broken-1" },
      });
      expect(res.status).toBe(503);
      expect(res.headers.get("x-request-id")).toBe("broken-1");
      expect(((await res.json()) as ErrorBody).error).toEqual({
        code: "STORAGE_UNAVAILABLE",
        message: expect.any(String),
        request_id: "broken-1",
      });
      const records = log.records.filter((r) => r.request_id === "broken-1");
      expect(records.map((r) => [r.level, r.msg])).toEqual([
        ["error", "storage error while handling a request"],
        ["error", "request"],
      ]);
      expect(String(records[0]?.error)).toMatch(/publishers/);
    } finally {
      await service.stop();
      await backend.close();
    }
  });

  test("a surprise in a route: 500 with the id in header, body and the error record, no detail shown", async () => {
    const backend = await openSqlite(dir.file("boom.db"));
    const log = captureLog("info");
    const service = startService({
      backend,
      port: 0,
      logger: log.logger,
      extraRoutes: (app) => ({
        "/api/v1/test/boom/:id": endpoint(app, {
          GET: {
            permission: null,
            async handle() {
              throw new TypeError("secret detail postgres://u:hunter2@db/x");
            },
          },
        }),
      }),
    });
    try {
      const res = await fetch(`${service.url}/api/v1/test/boom/42`, {
        headers: { "x-request-id": "boom-1" },
      });
      expect(res.status).toBe(500);
      expect(res.headers.get("x-request-id")).toBe("boom-1");
      const text = await res.text();
      expect(JSON.parse(text)).toEqual({
        error: { code: "INTERNAL_ERROR", message: "Internal server error.", request_id: "boom-1" },
      });
      const records = log.records.filter((r) => r.request_id === "boom-1");
      expect(records.map((r) => [r.level, r.msg, r.route ?? null])).toEqual([
        ["error", "unexpected error while handling a request", null],
        ["error", "request", "/api/v1/test/boom/:id"],
      ]);
      expect(String(records[0]?.error)).toContain("secret detail");
      expect(JSON.stringify(log.records)).not.toContain("hunter2");
    } finally {
      await service.stop();
      await backend.close();
    }
  });

  test("readiness's own 503 body gets the id, and so does a success (header only)", async () => {
    const backend = await openSqlite(dir.file("gone.db"));
    const service = startService({ backend, port: 0, logger: captureLog("error").logger });
    try {
      const ok = await fetch(`${service.url}/api/v1/ready`, { headers: { "x-request-id": "ready-ok" } });
      expect(ok.status).toBe(200);
      expect(ok.headers.get("x-request-id")).toBe("ready-ok");
      expect(await ok.json()).toEqual({ status: "ready" });
      await backend.close();
      const res = await fetch(`${service.url}/api/v1/ready`);
      expect(res.status).toBe(503);
      const body = (await res.json()) as ErrorBody;
      expect(body.error.code).toBe("NOT_READY");
      expect(body.error.request_id).toBe(res.headers.get("x-request-id") as string);
      expect(body.error.request_id).toMatch(/^[0-9a-f-]{36}$/);
    } finally {
      await service.stop();
    }
  });
});
