import type { DatabaseBackend } from "../backends/index.ts";
import { MigrationError } from "../errors/index.ts";
import { applyMigration } from "./apply-migration.ts";
import {
  bookkeepingTableExists,
  ensureBookkeepingTable,
  type RecordedMigration,
  readRecorded,
} from "./bookkeeping.ts";
import { loadMigrationFiles, type MigrationFile } from "./migration-file.ts";
import { type MigrationsLocation, migrationsDirFor } from "./migrations-dir.ts";

export interface AppliedMigration {
  version: number;
  name: string;
  /** `<dialect>/NNN_name.sql` */
  file: string;
  durationMs: number;
}

export interface MigrateOptions extends MigrationsLocation {
  /** Called as each migration commits, before the next starts (the CLI prints progress with it). */
  onApplied?: (migration: AppliedMigration) => void;
}

/** A migration that would run, for `--dry-run`. */
export interface PlannedMigration {
  version: number;
  name: string;
  file: string;
  transactional: boolean;
}

/**
 * Applies every file whose version is not recorded, in version order (a gap below the highest
 * recorded version is applied too, never skipped), each in its own transaction with its
 * bookkeeping row. Stops at the first failure: earlier migrations stay applied.
 */
export async function runMigrations(
  backend: DatabaseBackend,
  options: MigrateOptions = {},
): Promise<AppliedMigration[]> {
  const files = await loadMigrationFiles(migrationsDirFor(backend.backendName, options));
  await ensureBookkeepingTable(backend);
  const recorded = await readRecorded(backend);
  assertUnchanged(files, recorded);
  const applied: AppliedMigration[] = [];
  for (const file of files) {
    if (recorded.has(file.version)) continue;
    let durationMs: number | null;
    try {
      durationMs = await applyMigration(backend, file);
    } catch (error) {
      if (error instanceof MigrationError) throw error;
      throw new MigrationError(`Migration ${file.label} failed: ${firstLine(error)}`, { cause: error });
    }
    if (durationMs === null) continue;
    const entry: AppliedMigration = { version: file.version, name: file.name, file: file.label, durationMs };
    applied.push(entry);
    options.onApplied?.(entry);
  }
  return applied;
}

/** What `runMigrations` would apply now, without applying or creating anything. */
export async function planMigrations(
  backend: DatabaseBackend,
  options: MigrationsLocation = {},
): Promise<PlannedMigration[]> {
  const files = await loadMigrationFiles(migrationsDirFor(backend.backendName, options));
  const recorded = (await bookkeepingTableExists(backend)) ? await readRecorded(backend) : new Map();
  assertUnchanged(files, recorded);
  return files
    .filter((f) => !recorded.has(f.version))
    .map((f) => ({ version: f.version, name: f.name, file: f.label, transactional: f.transactional }));
}

/**
 * An applied file edited afterwards means the databases that ran the old text and those that will
 * run the new one differ: refuse rather than guess. Adopted rows (no checksum) are not judged.
 */
function assertUnchanged(files: readonly MigrationFile[], recorded: Map<number, RecordedMigration>): void {
  for (const file of files) {
    const row = recorded.get(file.version);
    if (row?.checksum && row.checksum !== file.checksum) {
      throw new MigrationError(
        `Migration ${file.label} was changed after it was applied (recorded checksum ${row.checksum.slice(0, 12)}…, file ${file.checksum.slice(0, 12)}…); restore it and add a new migration instead`,
      );
    }
  }
}

export function isChanged(file: MigrationFile, row: RecordedMigration | undefined): boolean {
  return Boolean(row?.checksum) && row?.checksum !== file.checksum;
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n", 1)[0] ?? message;
}
