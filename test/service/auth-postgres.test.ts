import { describePostgres } from "../support/postgres.ts";
import { authSuite } from "./support/auth-suite.ts";
import { openPostgres } from "./support/backends.ts";

describePostgres("service keys and roles on PostgreSQL", (db) => {
  authSuite(() => openPostgres(db().url));
});
