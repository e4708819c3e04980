import { setDefaultTimeout } from "bun:test";
import { describePostgres } from "../support/postgres.ts";
import { openPostgres } from "./support/backends.ts";
import { listingSuite } from "./support/listing-suite.ts";

// Per file: Bun applies a preload's default timeout to the first file only (oven-sh/bun#43787).
setDefaultTimeout(60_000);

describePostgres("scan paging, keys, usage and field errors on PostgreSQL", (db) => {
  listingSuite(() => openPostgres(db().url));
});
