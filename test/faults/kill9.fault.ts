/**
 * kill -9 of `bun run start` three times during 20 s of load from 20 clients, on SQLite and on
 * PostgreSQL, restarting it each time: no scan that was answered 201 is lost, partial or doubled.
 * Requests sent while the process is dead get no answer (there is no one to answer); none waits
 * longer than 3 s, and once restarted the service serves again.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { makeTempDir } from "../support/temp-dir.ts";
import { assertFaultRun, FAULT_TEST_TIMEOUT_MS, runFault } from "./support/fault-run.ts";
import { type PostgresService, startPostgresService } from "./support/postgres-service.ts";
import { type ServiceProcess, startServiceProcess } from "./support/service-process.ts";

// Per file (a preload's default reaches the first file only, oven-sh/bun#43787): each run is ~30 s.
setDefaultTimeout(FAULT_TEST_TIMEOUT_MS);

const KILL_AT_MS = [4_000, 10_000, 16_000];

async function killAndRestart(service: ServiceProcess, name: string, backend: string): Promise<void> {
  let killed = 0;
  const run = await runFault({
    name,
    service,
    figures: { backend },
    async inject({ load, mark }) {
      for (const at of KILL_AT_MS) {
        await Bun.sleep(Math.max(0, at - load.elapsed()));
        const start = load.elapsed();
        await service.kill9();
        killed++;
        await service.restart();
        mark({ start, end: load.elapsed() });
      }
    },
  });
  expect(killed).toBe(KILL_AT_MS.length);
  assertFaultRun(run, { unansweredAllowed: true });
}

describe("fault: kill -9 of the service under load, SQLite", () => {
  const dir = makeTempDir("malwar-kill9-");
  let service: ServiceProcess | undefined;
  afterAll(async () => {
    await service?.stop();
    dir.cleanup();
  });

  test("no acknowledged scan lost, partial or doubled", async () => {
    service = await startServiceProcess({
      MALWAR_DB_BACKEND: "sqlite",
      MALWAR_DB_PATH: dir.file("kill9.db"),
    });
    await killAndRestart(service, "kill -9 of the service (sqlite)", "sqlite");
  });
});

describe("fault: kill -9 of the service under load, PostgreSQL", () => {
  let pg: PostgresService;
  beforeAll(async () => {
    pg = await startPostgresService();
  });
  afterAll(async () => {
    await pg?.close();
  });

  test("no acknowledged scan lost, partial or doubled", async () => {
    await killAndRestart(pg.service, "kill -9 of the service (postgres)", "postgres");
  });
});
