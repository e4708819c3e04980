/**
 * PostgreSQL frozen (SIGSTOP of every server process) for 5 s, twice, during 20 s of load from
 * 20 clients: a server that accepts TCP but answers nothing, as behind a network partition, so
 * no connection error ever arrives. Every request is still answered within 3 s (503 at worst:
 * the service's storage deadline), /health stays 200 within 1 s, the service serves again within
 * 2 s of the thaw, nothing acknowledged is lost; SIGTERM while frozen exits within the grace period.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { assertFaultRun, FAULT_TEST_TIMEOUT_MS, runFault } from "./support/fault-run.ts";
import { type PostgresService, startPostgresService } from "./support/postgres-service.ts";
import { type ProbeRecord, startProbes } from "./support/probes.ts";
import { reportFigures } from "./support/results.ts";

// Per file (a preload's default reaches the first file only, oven-sh/bun#43787): each run is ~30 s.
setDefaultTimeout(FAULT_TEST_TIMEOUT_MS);

const FROZEN_MS = 5_000;
const GRACE_MS = 15_000;

describe("fault: PostgreSQL frozen (SIGSTOP) for 5 s under load", () => {
  let pg: PostgresService;
  beforeAll(async () => {
    pg = await startPostgresService();
  });
  afterAll(async () => {
    await pg?.cluster.signalAll("SIGCONT").catch(() => 0);
    await pg?.close();
  });

  test("every request answered within 3 s, health 200, whole within 2 s of the thaw, shutdown bounded", async () => {
    let probes: ProbeRecord[] = [];
    const run = await runFault({
      name: "postgres frozen 5 s (SIGSTOP)",
      service: pg.service,
      figures: { backend: "postgres", frozenForMs: FROZEN_MS },
      async inject({ load, mark }) {
        const running = startProbes(pg.service.url, () => load.elapsed());
        try {
          for (const at of [3_000, 11_000]) {
            await Bun.sleep(Math.max(0, at - load.elapsed()));
            const start = load.elapsed();
            await pg.cluster.signalAll("SIGSTOP");
            await Bun.sleep(FROZEN_MS);
            await pg.cluster.signalAll("SIGCONT");
            mark({ start, end: load.elapsed() });
          }
        } finally {
          probes = await running.stop();
        }
      },
    });
    assertFaultRun(run);
    const health = probes.filter((p) => p.path === "health");
    expect(health.length).toBeGreaterThan(20);
    expect(health.filter((p) => p.status !== 200 || p.ms > 1_000)).toEqual([]);
    expect(health.map((p) => p.database)).toContain("down");

    // SIGTERM while the server is frozen, with a request waiting on it.
    await pg.cluster.signalAll("SIGSTOP");
    const waiting = fetch(`${pg.service.url}/api/v1/scans?limit=5`).then(
      (r) => r.status,
      () => 0,
    );
    await Bun.sleep(200);
    const stop = await pg.service.stop(GRACE_MS + 10_000);
    reportFigures("postgres frozen at SIGTERM", {
      backend: "postgres",
      exitCode: stop.code,
      exitSeconds: Math.round(stop.ms / 10) / 100,
      waitingRequestStatus: await waiting,
    });
    await pg.cluster.signalAll("SIGCONT");
    expect(await waiting).toBe(503);
    expect(stop.code).toBe(0);
    expect(stop.ms).toBeLessThan(GRACE_MS);
  });
});
