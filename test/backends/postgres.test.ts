import { PostgresDatabase } from "../../src/backends/postgres/index.ts";
import { describePostgres } from "../support/postgres.ts";
import { backendContract } from "./contract.ts";

describePostgres("postgres backend", (getDb) => {
  backendContract("postgres", () =>
    PostgresDatabase.create(getDb().url, { min: 1, max: 4, applicationName: "malwar_contract" }),
  );
});
