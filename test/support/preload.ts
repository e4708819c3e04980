import { setDefaultTimeout } from "bun:test";
import { plugin } from "bun";

/*
 * Suites that spawn processes or create PostgreSQL databases outlast Bun's 5 s default on a
 * loaded 2-core machine. Bun 1.4.5 ignores bunfig.toml `[test] timeout`, and a preload's
 * setDefaultTimeout reaches the first test file only (oven-sh/bun#43787; both checked with a test
 * that sleeps 6 s in three files). So the call is put at the head of every test file as it loads,
 * on its first line, so that line numbers in failures stay true. test/contract/timeout.test.ts
 * checks that it applies.
 */
export const DEFAULT_TEST_TIMEOUT_MS = 60_000;
setDefaultTimeout(DEFAULT_TEST_TIMEOUT_MS);
plugin({
  name: "malwar-default-test-timeout",
  setup(build) {
    build.onLoad({ filter: /\.test\.ts$/ }, async ({ path }) => ({
      contents: `import { setDefaultTimeout as __malwarSetDefaultTimeout } from "bun:test"; __malwarSetDefaultTimeout(${DEFAULT_TEST_TIMEOUT_MS}); ${await Bun.file(path).text()}`,
      loader: "ts",
    }));
  },
});

// Tests never read a developer's .env or MALWAR_* settings by accident: each test that needs
// configuration passes it explicitly.
for (const key of Object.keys(process.env)) {
  if (key.startsWith("MALWAR_") && !key.startsWith("MALWAR_TEST_")) delete process.env[key];
}

// Services started inside the test process log to its stdout: requests (info) would drown the
// report, warnings and errors still show. Child processes get their own environment.
process.env.MALWAR_LOG_LEVEL = "warn";
