import { describePostgres } from "../support/postgres.ts";
import { openPostgres } from "./support/backends.ts";
import { routesSuite } from "./support/routes-suite.ts";

describePostgres("service routes on PostgreSQL", (db) => {
  routesSuite("postgres", () => openPostgres(db().url));
});
