/**
 * The default test timeout comes from test/support/preload.ts for every file, not only the first
 * (in a whole run this file is never the first; Bun's 5 s default would end the test).
 */
import { expect, test } from "bun:test";

test("a test may run past Bun's 5 s default without a timeout of its own", async () => {
  const started = performance.now();
  await Bun.sleep(5_300);
  expect(performance.now() - started).toBeGreaterThan(5_000);
});
