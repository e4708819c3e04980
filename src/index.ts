// The public surface: embedding servers and outside tests import only from here.
export * from "./backends/database-backend.ts";
export { PostgresDatabase } from "./backends/postgres/postgres-database.ts";
export { SQLiteBackend } from "./backends/sqlite/sqlite-backend.ts";
export * from "./config/index.ts";
export * from "./errors/index.ts";
export * from "./log/index.ts";
export * from "./migrate/index.ts";
export * from "./repositories/index.ts";
export * from "./service/index.ts";
export * from "./sql/index.ts";
export * from "./storage/index.ts";
