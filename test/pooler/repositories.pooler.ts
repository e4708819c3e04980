/**
 * The repository suite (test/repositories, written once for both backends) with its PostgreSQL
 * half through PgBouncer in transaction mode: MALWAR_TEST_POSTGRES_URL points the suite's
 * throwaway databases at the pooler, so every repository call and every independent check goes
 * through it. The backends open with prepared statements on (the default) and must notice the pooler.
 */
import { expect, setDefaultTimeout, test } from "bun:test";
import { childEnv, ROOT } from "../service/support/cli-process.ts";
import { describePooler } from "./support/describe-pooler.ts";

setDefaultTimeout(300_000);

describePooler("repository suite through pgbouncer (transaction mode)", (ctx) => {
  test("bun test test/repositories passes with PostgreSQL behind the pooler", async () => {
    const proc = Bun.spawn([process.execPath, "test", "test/repositories"], {
      cwd: ROOT,
      env: childEnv({ CI: "true", MALWAR_TEST_POSTGRES_URL: ctx().bouncer.url("postgres") }),
      stdout: "pipe",
      stderr: "pipe",
      stdin: "ignore",
    });
    const [out, err, code] = await Promise.all([
      new Response(proc.stdout).text(),
      new Response(proc.stderr).text(),
      proc.exited,
    ]);
    const report = `${out}\n${err}`;
    const failed = report.split("\n").filter((l) => l.startsWith("(fail)"));
    expect(failed).toEqual([]);
    expect(report).toMatch(/\n\s*0 fail/);
    // The PostgreSQL half ran (not skipped) and went through the pooler.
    expect(report).toMatch(/\[postgres\]/);
    expect(report).toMatch(/transaction-mode pooler/);
    expect(code).toBe(0);
  });
});
