/**
 * The service and the migrator through PgBouncer (transaction mode, stock settings), as real
 * processes: four `bun run migrate` at once, then `bun run start` under 20 clients for 15 s with
 * MALWAR_POSTGRES_PREPARE on and off. Every 201 is checked in the database directly: 0 lost,
 * 0 unanswered, 0 5xx.
 */
import { expect, setDefaultTimeout, test } from "bun:test";
import { childEnv, LineReader, ROOT, runCli } from "../service/support/cli-process.ts";
import { scanBody, uniqueId } from "../service/support/fixtures.ts";
import { adminClient } from "../support/postgres.ts";
import { describePooler } from "./support/describe-pooler.ts";

setDefaultTimeout(180_000);

const CLIENTS = 20;
const LOAD_MS = 15_000;
/** Hang bound for one request: past it the request counts as unanswered. */
const REQUEST_LIMIT_MS = 10_000;

describePooler("service through pgbouncer (transaction mode)", (ctx) => {
  const env = () => ({ MALWAR_DB_BACKEND: "postgres", MALWAR_POSTGRES_URL: ctx().url });

  test("four `bun run migrate` at once apply each migration exactly once", async () => {
    const runs = await Promise.all(Array.from({ length: 4 }, () => runCli("migrate", [], env())));
    for (const run of runs) {
      expect(run.code).toBe(0);
      // The only line allowed on stderr: the pooler noticed, prepared statements switched off.
      for (const line of run.stderr.split("\n").filter((l) => l !== "")) {
        expect(line).toMatch(/transaction-mode pooler.*MALWAR_POSTGRES_PREPARE/);
      }
    }
    const admin = adminClient(ctx().direct.url);
    try {
      const rows = await admin.unsafe(
        "select version, count(*)::int as n from schema_migrations group by version order by version",
      );
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((r) => r.n === 1)).toBe(true);
    } finally {
      await admin.end({ timeout: 2 });
    }
  });

  for (const prepare of ["true", "false"]) {
    test(`MALWAR_POSTGRES_PREPARE=${prepare}: ${CLIENTS} clients for ${LOAD_MS / 1000} s, every 201 stored`, async () => {
      const proc = Bun.spawn([process.execPath, "--no-env-file", "run", "start"], {
        cwd: ROOT,
        env: childEnv({
          ...env(),
          MALWAR_PORT: "0",
          MALWAR_POSTGRES_PREPARE: prepare,
          MALWAR_POSTGRES_POOL_MAX: "8",
        }),
        stdout: "pipe",
        stderr: "pipe",
        stdin: "ignore",
      });
      const stdout = new LineReader(proc.stdout);
      const stderr = new LineReader(proc.stderr);
      let exitCode: number | null = null;
      const acknowledged: string[] = [];
      const tally = { created: 0, serverErrors: 0, unanswered: 0, other: 0, readMisses: 0 };
      const problems: string[] = [];
      try {
        const line = await stdout.waitFor(/listening on /);
        const base = `${/listening on (http:\/\/\S+)/.exec(line)?.[1]}/api/v1`;
        if (prepare === "true") {
          // The service noticed the pooler and said what it did about the setting.
          expect(stderr.text()).toMatch(/transaction-mode pooler.*MALWAR_POSTGRES_PREPARE/);
        }
        const request = async (method: string, path: string, body?: unknown) => {
          try {
            const res = await fetch(`${base}${path}`, {
              method,
              headers: body === undefined ? {} : { "content-type": "application/json" },
              body: body === undefined ? undefined : JSON.stringify(body),
              signal: AbortSignal.timeout(REQUEST_LIMIT_MS),
            });
            const text = await res.text();
            if (res.status >= 500) {
              tally.serverErrors++;
              if (problems.length < 5)
                problems.push(`${method} ${path}: ${res.status} ${text.slice(0, 200)}`);
            }
            return { status: res.status, text };
          } catch (error) {
            tally.unanswered++;
            if (problems.length < 5) problems.push(`${method} ${path}: ${(error as Error).message}`);
            return { status: 0, text: "" };
          }
        };
        const deadline = performance.now() + LOAD_MS;
        await Promise.all(
          Array.from({ length: CLIENTS }, async (_, c) => {
            for (let i = 0; performance.now() < deadline; i++) {
              const body = scanBody(uniqueId(`pool-${prepare}-${c}`));
              const created = await request("POST", "/scans", body);
              if (created.status === 201) {
                tally.created++;
                acknowledged.push(body.id);
                // Read-your-writes through the pooler.
                const read = await request("GET", `/scans/${encodeURIComponent(body.id)}`);
                if (read.status !== 200) tally.readMisses++;
              } else if (created.status > 0 && created.status < 500) {
                tally.other++;
              }
              if (i % 5 === 4) await request("GET", "/scans?limit=10");
            }
          }),
        );
      } finally {
        proc.kill("SIGTERM");
        exitCode = await Promise.race([proc.exited, Bun.sleep(15_000).then(() => null)]);
        if (exitCode === null) proc.kill("SIGKILL");
        await Promise.all([stdout.finished, stderr.finished]);
      }
      const admin = adminClient(ctx().direct.url);
      let stored: { scans: number; findings: number; audit: number };
      try {
        const [row] = await admin.unsafe(
          `select (select count(*)::int from scans where id = any($1)) as scans,
                  (select count(*)::int from findings where scan_id = any($1)) as findings,
                  (select count(*)::int from audit_log where resource_type = 'scan' and resource_id = any($1)) as audit`,
          [acknowledged],
        );
        stored = row as unknown as typeof stored;
      } finally {
        await admin.end({ timeout: 2 });
      }
      console.log(
        `pooler load prepare=${prepare}: ${JSON.stringify(tally)} stored=${JSON.stringify(stored)} exit=${exitCode}`,
      );
      expect(problems).toEqual([]);
      expect(tally.created).toBeGreaterThan(100);
      expect({ ...tally, lost: tally.created - stored.scans }).toEqual({
        created: tally.created,
        serverErrors: 0,
        unanswered: 0,
        other: 0,
        readMisses: 0,
        lost: 0,
      });
      expect(stored.findings).toBe(4 * tally.created);
      expect(stored.audit).toBe(tally.created);
      // SIGTERM finished: in-flight requests done, pool closed.
      expect(exitCode).toBe(0);
    });
  }
});
