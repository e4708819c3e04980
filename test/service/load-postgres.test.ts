import { describePostgres } from "../support/postgres.ts";
import { openPostgres } from "./support/backends.ts";
import { loadSuite } from "./support/load-suite.ts";

describePostgres("service under concurrent load on PostgreSQL", (db) => {
  loadSuite(() => openPostgres(db().url, 10));
});
