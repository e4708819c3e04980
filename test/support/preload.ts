import { setDefaultTimeout } from "bun:test";

// Suites that spawn processes or create PostgreSQL databases outlast Bun's 5 s default on a
// loaded 2-core machine; bunfig.toml has no key for this, the preload does it for every file.
setDefaultTimeout(60_000);

// Tests never read a developer's .env or MALWAR_* settings by accident: each test that needs
// configuration passes it explicitly.
for (const key of Object.keys(process.env)) {
  if (key.startsWith("MALWAR_") && !key.startsWith("MALWAR_TEST_")) delete process.env[key];
}

// Services started inside the test process log to its stdout: requests (info) would drown the
// report, warnings and errors still show. Child processes get their own environment.
process.env.MALWAR_LOG_LEVEL = "warn";
