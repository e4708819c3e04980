import { setDefaultTimeout } from "bun:test";
import { PostgresDatabase } from "../../src/backends/postgres/index.ts";
import { describePostgres } from "../support/postgres.ts";
import { backendContract } from "./contract.ts";

// Per file: Bun applies a preload's default timeout to the first file only (oven-sh/bun#43787).
setDefaultTimeout(60_000);

describePostgres("postgres backend", (getDb) => {
  backendContract("postgres", () =>
    PostgresDatabase.create(getDb().url, { min: 1, max: 4, applicationName: "malwar_contract" }),
  );
});
