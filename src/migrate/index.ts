export type { RecordedMigration } from "./bookkeeping.ts";
export { checksumOf, loadMigrationFiles, type MigrationFile } from "./migration-file.ts";
export {
  type MigrationState,
  type MigrationStatusEntry,
  migrationStatus,
  schemaVersion,
} from "./migration-status.ts";
export { DEFAULT_MIGRATIONS_ROOT, type MigrationsLocation, migrationsDirFor } from "./migrations-dir.ts";
export {
  type AppliedMigration,
  type MigrateOptions,
  type PlannedMigration,
  planMigrations,
  runMigrations,
} from "./run-migrations.ts";
