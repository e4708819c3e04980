/**
 * Four `bun run start` processes on one SQLite file for 60 s, each with writers posting scans
 * and readers reading them back and listing: readers in the other processes must not make the
 * WAL grow without bound (the -wal file stays under 64 MB), no request meets SQLITE_BUSY or a
 * 5xx, none takes over 3 s, and every scan answered 201 is stored whole (checked in the file; a
 * sample of 400 also read back through a process other than the one that stored it).
 */
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, statSync } from "node:fs";
import { SQLiteBackend } from "../../src/backends/sqlite/sqlite-backend.ts";
import { type StartedProcess, startCli } from "../service/support/cli-process.ts";
import { scanBody } from "../service/support/fixtures.ts";
import { makeTempDir } from "../support/temp-dir.ts";

const SECONDS = Number(process.env.MALWAR_TEST_FAULT_SECONDS ?? 60);
const PROCESSES = 4;
const WRITERS = 3;
const READERS = 2;
const WAL_BOUND = 64 * 1024 * 1024;

describe("fault: four services on one SQLite file under load", () => {
  const dir = makeTempDir("malwar-shared-");
  const path = dir.file("shared.db");
  const services: StartedProcess[] = [];
  afterAll(async () => {
    for (const s of services) s.proc.kill("SIGTERM");
    await Promise.all(services.map((s) => s.proc.exited));
    dir.cleanup();
  });

  test(
    `${SECONDS} s: WAL under 64 MB, no SQLITE_BUSY, no 5xx, no request over 3 s, every 201 readable`,
    async () => {
      // All four at once, as replicas start: they migrate the fresh file concurrently too.
      services.push(
        ...(await Promise.all(Array.from({ length: PROCESSES }, () => startCli({ MALWAR_DB_PATH: path })))),
      );
      const acknowledged: { id: string; findings: number; by: number }[] = [];
      const failures: string[] = [];
      let requests = 0;
      let slowestMs = 0;
      let maxWal = 0;
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          if (existsSync(`${path}-wal`)) maxWal = Math.max(maxWal, statSync(`${path}-wal`).size);
          await Bun.sleep(50);
        }
      })();
      const timed = async (url: string, init?: RequestInit): Promise<Response | null> => {
        const t0 = performance.now();
        requests++;
        try {
          const res = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
          await res.arrayBuffer();
          slowestMs = Math.max(slowestMs, performance.now() - t0);
          if (res.status >= 500) failures.push(`${res.status} from ${init?.method ?? "GET"} ${url}`);
          return res;
        } catch (error) {
          failures.push(`${init?.method ?? "GET"} ${url}: ${(error as Error).message}`);
          return null;
        }
      };
      const deadline = Date.now() + SECONDS * 1000;
      const clients: Promise<void>[] = [];
      services.forEach((service, s) => {
        for (let w = 0; w < WRITERS; w++) {
          clients.push(
            (async () => {
              while (Date.now() < deadline) {
                const body = scanBody();
                const res = await timed(`${service.url}/api/v1/scans`, {
                  method: "POST",
                  headers: { "content-type": "application/json" },
                  body: JSON.stringify(body),
                });
                if (res?.status === 201)
                  acknowledged.push({ id: body.id, findings: body.findings.length, by: s });
                else if (res !== null && res.status < 500) failures.push(`POST answered ${res.status}`);
              }
            })(),
          );
        }
        for (let r = 0; r < READERS; r++) {
          clients.push(
            (async () => {
              while (Date.now() < deadline) {
                const pick = acknowledged[Math.floor(Math.random() * acknowledged.length)];
                const url =
                  pick === undefined || r % 2 === 1
                    ? `${service.url}/api/v1/scans?limit=20`
                    : `${service.url}/api/v1/scans/${encodeURIComponent(pick.id)}`;
                const res = await timed(url);
                if (res !== null && res.status !== 200) failures.push(`GET answered ${res.status}`);
              }
            })(),
          );
        }
      });
      await Promise.all(clients);
      sampling = false;
      await sampler;

      // Every acknowledged scan, from the file itself (one query), then a sample through the
      // services, each read from a process other than the one that stored it.
      let unreadable = 0;
      expect(new Set(acknowledged.map((a) => a.id)).size).toBe(acknowledged.length);
      const reader = await SQLiteBackend.open(path);
      try {
        const rows = await reader.fetchAll<{ id: string; n: number }>(
          "SELECT s.id AS id, (SELECT COUNT(*) FROM findings f WHERE f.scan_id = s.id) AS n FROM scans s",
        );
        const stored = new Map(rows.map((r) => [r.id, r.n]));
        for (const a of acknowledged) if (stored.get(a.id) !== a.findings) unreadable++;
      } finally {
        await reader.close();
      }
      const sample = acknowledged.filter(
        (_, i) => i % Math.max(1, Math.floor(acknowledged.length / 400)) === 0,
      );
      let checked = 0;
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          for (let a = sample[checked++]; a !== undefined; a = sample[checked++]) {
            const other = services[(a.by + 1) % services.length] as StartedProcess;
            try {
              const res = await fetch(`${other.url}/api/v1/scans/${encodeURIComponent(a.id)}`, {
                signal: AbortSignal.timeout(10_000),
              });
              const body = (await res.json()) as { findings?: unknown[] };
              if (res.status !== 200 || body.findings?.length !== a.findings) unreadable++;
            } catch (error) {
              unreadable++;
              failures.push(`reading ${a.id} back: ${(error as Error).message}`);
            }
          }
        }),
      );
      const busy = services.reduce(
        (n, s) => n + (s.stderr.text().match(/SQLITE_BUSY|database is locked/g)?.length ?? 0),
        0,
      );
      console.log(
        `fault-figures ${JSON.stringify({
          name: "four services on one SQLite file",
          seconds: SECONDS,
          requests,
          scans_acknowledged: acknowledged.length,
          max_wal_mb: +(maxWal / 1e6).toFixed(1),
          slowest_ms: Math.round(slowestMs),
          sqlite_busy: busy,
          failures: failures.length,
          acknowledged_lost: unreadable,
        })}`,
      );
      if (failures.length > 0) for (const s of services) console.error(s.stderr.text().slice(-3000));
      expect(failures.slice(0, 5)).toEqual([]);
      expect(busy).toBe(0);
      expect(unreadable).toBe(0);
      expect(acknowledged.length).toBeGreaterThan(0);
      expect(maxWal).toBeLessThan(WAL_BOUND);
      expect(slowestMs).toBeLessThan(3_000);
      for (const s of services) expect(s.proc.exitCode).toBeNull();
    },
    (SECONDS + 120) * 1000,
  );
});
