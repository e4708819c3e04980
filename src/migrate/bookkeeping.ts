import type { DatabaseBackend } from "../backends/index.ts";
import { bookkeepingDialect } from "./dialect-statements.ts";

/** A schema_migrations row. Rows adopted from the Python malwar have no checksum or duration. */
export interface RecordedMigration {
  version: number;
  name: string;
  appliedAt: string | null;
  checksum: string | null;
  durationMs: number | null;
}

interface RecordedRow {
  version: number | bigint | string;
  name: string;
  applied_at: unknown;
  checksum?: string | null;
  duration_ms?: number | bigint | null;
}

/**
 * Takes the migration lock inside `tx`. Every write to schema_migrations and every migration
 * happens after this call, in the same transaction, so concurrent runners queue here.
 */
export async function lockMigrations(tx: DatabaseBackend): Promise<void> {
  for (const statement of bookkeepingDialect(tx.backendName).lockPrelude) await tx.execute(statement);
  await tx.lockForMigration();
}

async function columnsOf(backend: DatabaseBackend): Promise<Set<string>> {
  const rows = await backend.fetchAll<{ name: string }>(bookkeepingDialect(backend.backendName).listColumns);
  return new Set(rows.map((r) => r.name));
}

/**
 * Creates schema_migrations, or adopts a Python-made one by adding the migrator's columns
 * (nullable: its rows keep NULL checksums, which means "not known", never "changed").
 * Under the lock, because two runners creating or altering the table at once collide
 * (PostgreSQL's CREATE TABLE IF NOT EXISTS is not race-free).
 */
export async function ensureBookkeepingTable(backend: DatabaseBackend): Promise<void> {
  const dialect = bookkeepingDialect(backend.backendName);
  const present = await columnsOf(backend);
  if (Object.keys(dialect.addedColumns).every((c) => present.has(c))) return;
  await backend.transaction(async (tx) => {
    await lockMigrations(tx);
    await tx.execute(dialect.createTable);
    const columns = await columnsOf(tx);
    for (const [column, type] of Object.entries(dialect.addedColumns)) {
      if (!columns.has(column))
        await tx.execute(`ALTER TABLE schema_migrations ADD COLUMN ${column} ${type}`);
    }
  });
}

export async function bookkeepingTableExists(backend: DatabaseBackend): Promise<boolean> {
  return (await columnsOf(backend)).size > 0;
}

/** All recorded rows by version. Works on an unadopted three-column table too (status reads it). */
export async function readRecorded(backend: DatabaseBackend): Promise<Map<number, RecordedMigration>> {
  const rows = await backend.fetchAll<RecordedRow>("SELECT * FROM schema_migrations ORDER BY version");
  return new Map(
    rows.map((row) => {
      const version = Number(row.version);
      const recorded: RecordedMigration = {
        version,
        name: row.name,
        appliedAt: isoInstant(row.applied_at),
        checksum: row.checksum ?? null,
        durationMs:
          row.duration_ms === null || row.duration_ms === undefined ? null : Number(row.duration_ms),
      };
      return [version, recorded];
    }),
  );
}

export async function isRecorded(tx: DatabaseBackend, version: number): Promise<boolean> {
  return (await tx.fetchOne("SELECT version FROM schema_migrations WHERE version = ?", [version])) !== null;
}

export async function recordApplied(
  tx: DatabaseBackend,
  entry: { version: number; name: string; checksum: string; durationMs: number },
): Promise<void> {
  await tx.execute(
    "INSERT INTO schema_migrations (version, name, checksum, duration_ms) VALUES (?, ?, ?, ?)",
    [entry.version, entry.name, entry.checksum, Math.round(entry.durationMs)],
  );
}

/**
 * applied_at is SQLite's `YYYY-MM-DD HH:MM:SS` text (UTC) or a Date from PostgreSQL's TIMESTAMP
 * (read as UTC by the backend): one ISO-8601 UTC shape for callers either way.
 */
function isoInstant(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  const text = String(value);
  const plain = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d+)?)$/.exec(text);
  if (plain) return new Date(`${plain[1]}T${plain[2]}Z`).toISOString();
  const parsed = new Date(text);
  return Number.isNaN(parsed.getTime()) ? text : parsed.toISOString();
}
