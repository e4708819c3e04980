/**
 * The migrations the project ships, read from the folder as a newcomer would see them (versions
 * and names from `NNN_name.sql`; the same on both dialects): tests expect what the folder holds,
 * so a new migration needs no edit to them.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";

export interface ShippedMigration {
  version: number;
  name: string;
}

export const SHIPPED_MIGRATIONS: readonly ShippedMigration[] = readdirSync(
  join(import.meta.dir, "../../migrations/sqlite"),
)
  .map((file) => /^(\d+)_(\w+)\.sql$/.exec(file))
  .filter((m): m is RegExpExecArray => m !== null)
  .map((m) => ({ version: Number(m[1]), name: m[2] as string }))
  .sort((a, b) => a.version - b.version);

export const SHIPPED_VERSIONS: readonly number[] = SHIPPED_MIGRATIONS.map((m) => m.version);

/** The highest shipped version: what `/health` reports as schema_version once all are applied. */
export const LATEST_VERSION: number = Math.max(...SHIPPED_VERSIONS);
