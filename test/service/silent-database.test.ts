/**
 * A PostgreSQL server that goes silent (frozen, or behind a network partition: it refuses
 * nothing and answers nothing) must not hold requests: past the service's storage deadline they
 * are answered 503 within 3 s, /health stays 200 within 1 s saying database "down", /ready is
 * 503, and once the server answers again requests succeed. The silence is a TCP proxy that stops
 * forwarding, in front of this suite's own database on the shared server.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { PostgresDatabase } from "../../src/backends/postgres/index.ts";
import { runMigrations } from "../../src/index.ts";
import { type RunningService, startService } from "../../src/service/index.ts";
import { captureLog } from "../support/capture-log.ts";
import { describePostgres } from "../support/postgres.ts";
import { startTcpProxy, type TcpProxy } from "../support/tcp-proxy.ts";
import { scanBody } from "./support/fixtures.ts";

async function timed(
  url: string,
  init?: RequestInit,
): Promise<{ status: number; ms: number; body: unknown }> {
  const t0 = performance.now();
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(15_000) });
  const body: unknown = await res.json();
  return { status: res.status, ms: performance.now() - t0, body };
}

describePostgres("a database that goes silent", (db) => {
  let proxy: TcpProxy;
  let backend: PostgresDatabase;
  let service: RunningService;
  beforeAll(async () => {
    const target = new URL(db().url);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const url = new URL(db().url);
    url.port = String(proxy.port);
    backend = await PostgresDatabase.create(url.toString(), { min: 2, max: 4 });
    await runMigrations(backend);
    service = startService({ backend, port: 0, logger: captureLog("error").logger });
  });
  afterAll(async () => {
    proxy?.thaw();
    await service?.stop();
    await backend?.close();
    proxy?.close();
  });

  test("requests answer 503 within 3 s, health 200 'down' within 1 s, ready 503; all well after", async () => {
    const api = `${service.url}/api/v1`;
    expect((await timed(`${api}/scans?limit=1`)).status).toBe(200);
    proxy.freeze();
    try {
      const [list, post, health, ready] = await Promise.all([
        timed(`${api}/scans?limit=1`),
        timed(`${api}/scans`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(scanBody()),
        }),
        timed(`${api}/health`),
        timed(`${api}/ready`),
      ]);
      for (const r of [list, post]) {
        expect(r.status).toBe(503);
        expect((r.body as { error: { code: string } }).error.code).toBe("STORAGE_UNAVAILABLE");
        expect(r.ms).toBeLessThan(3_000);
      }
      expect(health.status).toBe(200);
      expect((health.body as { database: string }).database).toBe("down");
      expect(health.ms).toBeLessThan(1_000);
      expect(ready.status).toBe(503);
      expect(ready.ms).toBeLessThan(3_000);
    } finally {
      proxy.thaw();
    }
    // The held statements complete once it answers; new requests succeed.
    const after = await timed(`${api}/scans?limit=1`);
    expect(after.status).toBe(200);
    expect(after.ms).toBeLessThan(3_000);
    expect(((await timed(`${api}/health`)).body as { database: string }).database).toBe("up");
  });

  test("close() of the backend is bounded while the server is silent", async () => {
    const target = new URL(db().url);
    const silent = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const url = new URL(db().url);
    url.port = String(silent.port);
    const other = await PostgresDatabase.create(url.toString(), { min: 1, max: 2 });
    try {
      silent.freeze();
      const stuck = other.fetchOne("SELECT 1 AS one").catch((e: unknown) => e);
      await Bun.sleep(100);
      const t0 = performance.now();
      await other.close();
      expect(performance.now() - t0).toBeLessThan(8_000);
      // The statement that never got an answer is rejected, not left pending.
      expect(await stuck).toBeInstanceOf(Error);
    } finally {
      silent.close();
    }
  });
});
