export { MISSING_DRIVER_MESSAGE } from "./load-driver.ts";
export { PostgresDatabase, type PostgresOptions } from "./postgres-database.ts";
export { PostgresTransaction } from "./transaction.ts";
