import { expect, test } from "bun:test";
import { join } from "node:path";

/*
 * The time-zone suite runs in its own process: TZ must be set before the runtime computes any
 * date, and this process's zone is whatever the developer or CI has.
 */
test("instants are UTC under TZ=America/New_York with the PostgreSQL database in Asia/Tokyo", async () => {
  const child = Bun.spawn(
    [process.execPath, "test", `./${join("test", "repositories", "time-zone.child.ts")}`],
    {
      cwd: join(import.meta.dir, "..", ".."),
      env: { ...process.env, TZ: "America/New_York" },
      stdout: "pipe",
      stderr: "pipe",
    },
  );
  const [stdout, stderr, code] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  const output = stdout + stderr;
  if (code !== 0) console.error(output);
  expect(code).toBe(0);
  expect(output).toMatch(/\b0 fail\b/);
  // The child really ran its tests (a skipped PostgreSQL half is reported loudly by the harness).
  expect(output).toMatch(/\b[1-9]\d* pass\b/);
});
