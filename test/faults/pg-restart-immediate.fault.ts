/**
 * PostgreSQL restarted with `pg_ctl restart -m immediate` (every server process killed at once, crash recovery at start) three
 * times during 20 s of load from 20 clients: the service stays up, answers every request within
 * 3 s (503 at worst), serves again within 2 s of the server's return, and loses no acknowledged scan.
 */
import { afterAll, beforeAll, describe, setDefaultTimeout, test } from "bun:test";
import { assertFaultRun, FAULT_TEST_TIMEOUT_MS, runFault } from "./support/fault-run.ts";
import { type PostgresService, startPostgresService } from "./support/postgres-service.ts";

// Per file (a preload's default reaches the first file only, oven-sh/bun#43787): each run is ~30 s.
setDefaultTimeout(FAULT_TEST_TIMEOUT_MS);

describe("fault: PostgreSQL restart -m immediate under load", () => {
  let pg: PostgresService;
  beforeAll(async () => {
    pg = await startPostgresService();
  });
  afterAll(async () => {
    await pg?.close();
  });

  test("the service lives, every request answers within 3 s, nothing acknowledged is lost", async () => {
    const run = await runFault({
      name: "postgres restart -m immediate",
      service: pg.service,
      figures: { backend: "postgres" },
      async inject({ load, mark }) {
        for (const at of [4_000, 10_000, 16_000]) {
          await Bun.sleep(Math.max(0, at - load.elapsed()));
          const start = load.elapsed();
          await pg.cluster.restart("immediate");
          mark({ start, end: load.elapsed() });
        }
      },
    });
    assertFaultRun(run);
  });
});
