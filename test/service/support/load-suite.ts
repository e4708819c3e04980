/**
 * 1,000 mixed requests from 20 concurrent clients: reads, scan writes, signature writes,
 * duplicates and errors interleaved. Nothing may answer 5xx, every acknowledged scan must read
 * back exactly as acknowledged, and every request must be counted in api_usage.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { DatabaseBackend } from "../../../src/backends/database-backend.ts";
import { ApiKeyRepository } from "../../../src/repositories/index.ts";
import { type RunningService, startService } from "../../../src/service/index.ts";
import { captureLog } from "../../support/capture-log.ts";
import { ApiClient } from "./api-client.ts";
import { scanBody, signatureBody, uniqueId } from "./fixtures.ts";

const CLIENTS = 20;
const REQUESTS_PER_CLIENT = 50;

export function loadSuite(open: () => Promise<DatabaseBackend>): void {
  // Nested, so this suite's afterAll (stop, flush, close) runs before an enclosing one drops the database.
  describe("load", () => loadTests(open));
}

function loadTests(open: () => Promise<DatabaseBackend>): void {
  let backend: DatabaseBackend;
  let service: RunningService;
  let api: ApiClient;
  const log = captureLog("warn");

  beforeAll(async () => {
    backend = await open();
    const { key } = await new ApiKeyRepository(backend).create({ name: "load", role: "admin" });
    service = startService({ backend, port: 0, logger: log.logger });
    api = new ApiClient(service.url, key);
  });
  afterAll(async () => {
    await service?.stop();
    await backend?.close();
  });

  test(`${CLIENTS} clients x ${REQUESTS_PER_CLIENT} mixed requests: no 5xx, every acknowledged scan readable`, async () => {
    const acknowledged = new Map<string, unknown>();
    const statuses = new Map<number, number>();
    const failures: string[] = [];
    let sent = 0;

    async function client(c: number): Promise<void> {
      let lastScan: string | null = null;
      for (let i = 0; i < REQUESTS_PER_CLIENT; i++) {
        let res: { status: number; body: unknown };
        let what: string;
        switch (i % 10) {
          case 0:
          case 1:
          case 5: {
            const body = scanBody(uniqueId(`load-${c}`));
            what = "POST /scans";
            res = await api.post("/scans", body);
            if (res.status === 201) {
              acknowledged.set(body.id, res.body);
              lastScan = body.id;
            }
            break;
          }
          case 2:
            what = "GET /scans/:id";
            res = await api.get(`/scans/${lastScan ?? "none-yet"}`);
            break;
          case 3:
            what = "GET /scans";
            res = await api.get("/scans?limit=20&verdict=MALICIOUS");
            break;
          case 4:
            what = "POST /signatures";
            res = await api.post("/signatures", signatureBody());
            break;
          case 6:
            // The same id from every client at once: exactly one wins, the rest are 409.
            what = "POST /scans (contended id)";
            res = await api.post("/scans", scanBody(`contended-${i}`));
            if (res.status === 201) acknowledged.set(`contended-${i}`, res.body);
            break;
          case 7:
            what = "GET /audit";
            res = await api.get("/audit?limit=10");
            break;
          case 8:
            what = "bad POST /scans";
            res = await api.post("/scans", { id: uniqueId("bad"), target: "x" });
            break;
          default:
            what = "GET /health";
            res = await api.get("/health");
        }
        sent++;
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status >= 500) failures.push(`${what} -> ${res.status} ${JSON.stringify(res.body)}`);
      }
    }

    await Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)));
    expect(sent).toBe(CLIENTS * REQUESTS_PER_CLIENT);
    expect(failures).toEqual([]);
    expect([...statuses.keys()].every((s) => s < 500)).toBe(true);
    // Each contended id was acknowledged exactly once.
    const contended = [...acknowledged.keys()].filter((k) => k.startsWith("contended-"));
    expect(contended.sort()).toEqual(
      Array.from({ length: REQUESTS_PER_CLIENT }, (_, i) => i)
        .filter((i) => i % 10 === 6)
        .map((i) => `contended-${i}`)
        .sort(),
    );
    expect(statuses.get(409)).toBe(contended.length * (CLIENTS - 1));

    let reads = 0;
    for (const [id, acked] of acknowledged) {
      const res = await api.get(`/scans/${id}`);
      reads++;
      expect(res.status).toBe(200);
      expect(res.body).toEqual(acked);
    }
    const stored = await backend.fetchOne<{ n: unknown }>("SELECT COUNT(*) AS n FROM scans");
    expect(Number(stored?.n)).toBe(acknowledged.size);

    // Every request, answered well or not, is one api_usage row once the buffer is written.
    await service.stop();
    const usage = await backend.fetchOne<{ n: unknown }>("SELECT COUNT(*) AS n FROM api_usage");
    expect(Number(usage?.n)).toBe(sent + reads);
    expect(log.messages().filter((l) => l.startsWith("api_usage"))).toEqual([]);
  });
}
