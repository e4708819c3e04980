import { setDefaultTimeout } from "bun:test";
import { describePostgres } from "../support/postgres.ts";
import { openPostgres } from "./support/backends.ts";
import { loadSuite } from "./support/load-suite.ts";

// Per file: Bun applies a preload's default timeout to the first file only (oven-sh/bun#43787).
setDefaultTimeout(60_000);

describePostgres("service under concurrent load on PostgreSQL", (db) => {
  loadSuite(() => openPostgres(db().url, 10));
});
