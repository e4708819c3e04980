import { setDefaultTimeout } from "bun:test";
import { describePostgres } from "../support/postgres.ts";
import { openPostgres } from "./support/backends.ts";
import { hostileSuite } from "./support/hostile-suite.ts";

// Per file: Bun applies a preload's default timeout to the first file only (oven-sh/bun#43787).
setDefaultTimeout(120_000);

describePostgres("hostile requests on PostgreSQL", (db) => {
  hostileSuite(() => openPostgres(db().url));
});
