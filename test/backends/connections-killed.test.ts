/**
 * Regression for the postgres.js `nextWrite` crash (patches/postgres@3.4.9.patch): backends
 * terminated with pg_terminate_backend while 20 clients run transactions made the process exit
 * with an uncaught `TypeError: null is not an object (evaluating 'socket.write')`. The load runs
 * in a child process, so a crash is an exit code here rather than the death of the test runner.
 * Terminating the backends of this suite's own database leaves the shared server alone.
 */
import { expect, test } from "bun:test";
import { join } from "node:path";
import { LineReader } from "../service/support/cli-process.ts";
import { adminClient, describePostgres } from "../support/postgres.ts";

const ROUNDS = 12;

describePostgres("connections killed under concurrent load", (db) => {
  test(`the process lives through ${ROUNDS} rounds of pg_terminate_backend and queries succeed after`, async () => {
    const child = Bun.spawn(
      [process.execPath, join(import.meta.dir, "connections-killed.child.ts"), db().url],
      {
        stdin: "pipe",
        stdout: "pipe",
        stderr: "pipe",
      },
    );
    const out = new LineReader(child.stdout);
    const err = new LineReader(child.stderr);
    const admin = adminClient();
    let terminated = 0;
    try {
      await out.waitFor(/^ready$/);
      for (let round = 0; round < ROUNDS && child.exitCode === null; round++) {
        await Bun.sleep(150);
        const rows = await admin`
          SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity
          WHERE datname = ${db().name} AND pid <> pg_backend_pid()`;
        terminated += rows.filter((r) => r.done === true).length;
      }
      await Bun.sleep(150);
      if (child.exitCode === null) {
        child.stdin.write("stop\n");
        await child.stdin.flush();
      }
      const code = await child.exited;
      await Promise.all([out.finished, err.finished]);
      expect({ code, stderr: err.text().slice(-2000), last: out.lines.at(-1) }).toEqual({
        code: 0,
        stderr: expect.any(String),
        last: expect.any(String),
      });
      expect(err.text()).not.toContain("TypeError");
      const line = out.lines.at(-1) ?? "";
      const summary = JSON.parse(line) as { ok: number; failed: number; after: number };
      expect(summary.after).toBe(20);
      // The faults did land: backends were terminated while statements ran.
      expect(terminated).toBeGreaterThan(ROUNDS);
      expect(summary.ok).toBeGreaterThan(0);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
      await admin.end({ timeout: 2 });
    }
  });
});
