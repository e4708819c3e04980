import type { DatabaseBackend } from "../backends/index.ts";
import { bookkeepingTableExists, type RecordedMigration, readRecorded } from "./bookkeeping.ts";
import { loadMigrationFiles } from "./migration-file.ts";
import { type MigrationsLocation, migrationsDirFor } from "./migrations-dir.ts";
import { isChanged } from "./run-migrations.ts";

/**
 * applied: recorded and its file unchanged (or adopted without a checksum) · pending: a file not
 * recorded · changed: recorded, but the file differs from what ran · missing: recorded, but no
 * file has its version (applied by a newer release, or a file deleted).
 */
export type MigrationState = "applied" | "pending" | "changed" | "missing";

export interface MigrationStatusEntry {
  version: number;
  name: string;
  /** `<dialect>/NNN_name.sql`, or null for a recorded version with no file. */
  file: string | null;
  state: MigrationState;
  /** ISO-8601 UTC, or null while pending. */
  appliedAt: string | null;
  /** Recorded checksum; null while pending and for rows adopted from the Python malwar. */
  checksum: string | null;
  durationMs: number | null;
}

/** One entry per migration file plus one per recorded version without a file, by version. Reads only. */
export async function migrationStatus(
  backend: DatabaseBackend,
  options: MigrationsLocation = {},
): Promise<MigrationStatusEntry[]> {
  const files = await loadMigrationFiles(migrationsDirFor(backend.backendName, options));
  const recorded: Map<number, RecordedMigration> = (await bookkeepingTableExists(backend))
    ? await readRecorded(backend)
    : new Map();
  const entries: MigrationStatusEntry[] = files.map((file) => {
    const row = recorded.get(file.version);
    return {
      version: file.version,
      name: file.name,
      file: file.label,
      state: row === undefined ? "pending" : isChanged(file, row) ? "changed" : "applied",
      appliedAt: row?.appliedAt ?? null,
      checksum: row?.checksum ?? null,
      durationMs: row?.durationMs ?? null,
    };
  });
  const known = new Set(files.map((f) => f.version));
  for (const row of recorded.values()) {
    if (known.has(row.version)) continue;
    entries.push({
      version: row.version,
      name: row.name,
      file: null,
      state: "missing",
      appliedAt: row.appliedAt,
      checksum: row.checksum,
      durationMs: row.durationMs,
    });
  }
  return entries.sort((a, b) => a.version - b.version);
}

/** The highest recorded version (0 when none): the `schema_version` health reports. */
export async function schemaVersion(backend: DatabaseBackend): Promise<number> {
  if (!(await bookkeepingTableExists(backend))) return 0;
  const row = await backend.fetchOne<{ v: number | bigint | null }>(
    "SELECT MAX(version) AS v FROM schema_migrations",
  );
  return row?.v === null || row?.v === undefined ? 0 : Number(row.v);
}
