import { setDefaultTimeout } from "bun:test";
import { describePostgres } from "../support/postgres.ts";
import { authSuite } from "./support/auth-suite.ts";
import { openPostgres } from "./support/backends.ts";

// Per file: Bun applies a preload's default timeout to the first file only (oven-sh/bun#43787).
setDefaultTimeout(60_000);

describePostgres("service keys and roles on PostgreSQL", (db) => {
  authSuite(() => openPostgres(db().url));
});
