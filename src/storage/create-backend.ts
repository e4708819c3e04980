import type { DatabaseBackend } from "../backends/database-backend.ts";
import { PostgresDatabase } from "../backends/postgres/index.ts";
import { SQLiteBackend } from "../backends/sqlite/sqlite-backend.ts";
import { loadConfig, resolveConfig, type StorageConfig } from "../config/index.ts";
import { runMigrations } from "../migrate/index.ts";

/**
 * The one place that turns configuration into an open backend. No argument: the MALWAR_*
 * environment; a partial config: the rest from the defaults. The backend is migrated when
 * `autoMigrate` is on; if that fails it is closed again, never handed out half-ready.
 */
export async function createBackend(config?: Partial<StorageConfig>): Promise<DatabaseBackend> {
  const settings = config === undefined ? loadConfig() : resolveConfig(config);
  const backend = await openBackend(settings);
  if (settings.autoMigrate) {
    try {
      // A hot standby cannot be migrated; the service says so and answers /ready with 503.
      if ((await backend.readOnlyReason()) === null) await runMigrations(backend);
    } catch (error) {
      await backend.close().catch(() => {});
      throw error;
    }
  }
  return backend;
}

function openBackend(config: StorageConfig): Promise<DatabaseBackend> {
  switch (config.backend) {
    case "sqlite":
      return SQLiteBackend.open(config.dbPath);
    case "postgres":
      return PostgresDatabase.create(config.postgresUrl, {
        min: config.postgresPoolMin,
        max: config.postgresPoolMax,
        connectTimeout: config.postgresConnectTimeout,
        statementTimeout: config.postgresStatementTimeout,
        prepare: config.postgresPrepare,
        readUrl: config.postgresReadUrl || undefined,
      });
  }
}
