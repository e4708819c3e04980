/**
 * Every connection of the service terminated with pg_terminate_backend, six times during 20 s of
 * load from 20 clients (the trigger of the postgres.js nextWrite crash, patches/): the service
 * stays up, answers within 3 s, serves again within 2 s, and loses no acknowledged scan.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { assertFaultRun, FAULT_TEST_TIMEOUT_MS, runFault } from "./support/fault-run.ts";
import { FAULT_DATABASE, type PostgresService, startPostgresService } from "./support/postgres-service.ts";

// Per file (a preload's default reaches the first file only, oven-sh/bun#43787): each run is ~30 s.
setDefaultTimeout(FAULT_TEST_TIMEOUT_MS);

describe("fault: pg_terminate_backend on the service's connections under load", () => {
  let pg: PostgresService;
  beforeAll(async () => {
    pg = await startPostgresService();
  });
  afterAll(async () => {
    await pg?.close();
  });

  test("the service lives, every request answers within 3 s, nothing acknowledged is lost", async () => {
    let terminated = 0;
    const run = await runFault({
      name: "postgres pg_terminate_backend",
      service: pg.service,
      figures: { backend: "postgres" },
      async inject({ load, mark }) {
        for (const at of [3_000, 6_000, 9_000, 12_000, 15_000, 18_000]) {
          await Bun.sleep(Math.max(0, at - load.elapsed()));
          const start = load.elapsed();
          terminated += await pg.cluster.terminateBackends(FAULT_DATABASE);
          mark({ start, end: load.elapsed() });
        }
      },
    });
    // The fault did land on live connections.
    expect(terminated).toBeGreaterThanOrEqual(6);
    assertFaultRun(run);
  });
});
