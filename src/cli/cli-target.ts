/** How the CLIs name a database and a migration in what they print (never a password). */
import { existsSync } from "node:fs";
import { postgresLocation, type StorageConfig } from "../config/index.ts";
import type { AppliedMigration } from "../migrate/index.ts";

/** `sqlite malwar.db` / `postgres db.internal:5432/malwar`. */
export function describeTarget(config: Pick<StorageConfig, "backend" | "dbPath" | "postgresUrl">): string {
  if (config.backend === "sqlite") return `sqlite ${config.dbPath}`;
  const location = postgresLocation(config.postgresUrl);
  return location === null ? "postgres" : `postgres ${location}`;
}

/** A SQLite path (not `:memory:`, not a `file:` URI) with no file behind it. */
export function missingSqliteFile(config: Pick<StorageConfig, "backend" | "dbPath">): boolean {
  if (config.backend !== "sqlite") return false;
  const path = config.dbPath;
  if (path === ":memory:" || path.startsWith("file:")) return false;
  return !existsSync(path);
}

/** One line per applied migration, as `migrate` and `start` print it. */
export function migrationLine(m: AppliedMigration): string {
  return `applied ${String(m.version).padStart(3, "0")}_${m.name} in ${m.durationMs.toFixed(1)} ms`;
}
