import type { DatabaseBackend } from "../backends/index.ts";
import { isRecorded, lockMigrations, recordApplied } from "./bookkeeping.ts";
import { bookkeepingDialect } from "./dialect-statements.ts";
import type { MigrationFile } from "./migration-file.ts";
import { splitStatements } from "./split-statements.ts";

/**
 * Applies one migration unless another runner got there first. Returns its duration in ms, or
 * null when it was already recorded once the lock was held.
 */
export function applyMigration(backend: DatabaseBackend, file: MigrationFile): Promise<number | null> {
  return file.transactional ? applyInTransaction(backend, file) : applyThenRecord(backend, file);
}

/**
 * The file and its bookkeeping row commit together or not at all. The applied set is re-read
 * after the lock is taken: a runner that queued behind another finds the row and does nothing.
 */
function applyInTransaction(backend: DatabaseBackend, file: MigrationFile): Promise<number | null> {
  return backend.transaction(async (tx) => {
    await lockMigrations(tx);
    if (await isRecorded(tx, file.version)) return null;
    const started = performance.now();
    await tx.executeScript(file.sql);
    const durationMs = performance.now() - started;
    await recordApplied(tx, { ...file, durationMs });
    return durationMs;
  });
}

/**
 * `-- migrate:no-transaction`: the statements run in autocommit, outside the lock, and the row is
 * written afterwards under the lock, after a re-check, so the migration is *recorded* exactly once
 * and a runner that finds it recorded never runs it. Its *execution* is at-least-once: runners
 * that reach it at the same moment may each execute it, and a crash part-way leaves no row, so
 * the next run executes it again. Such files must therefore be safe to re-run and to run twice
 * (IF NOT EXISTS; DROP INDEX CONCURRENTLY IF EXISTS before re-creating an index a crash may have
 * left INVALID).
 *
 * Holding the migration lock while the statements run is not an option here: CREATE INDEX
 * CONCURRENTLY waits for every transaction with an older snapshot, which includes the lock holder
 * (an idle transaction keeps its snapshot after an extended-protocol query) and every runner
 * blocked on the lock: they would wait for each other forever.
 */
async function applyThenRecord(backend: DatabaseBackend, file: MigrationFile): Promise<number | null> {
  if (await isRecorded(backend, file.version)) return null;
  const started = performance.now();
  if (bookkeepingDialect(backend.backendName).oneStatementAtATime) {
    for (const statement of splitStatements(file.sql, backend.backendName))
      await backend.executeScript(statement);
  } else {
    await backend.executeScript(file.sql);
  }
  const durationMs = performance.now() - started;
  return backend.transaction(async (tx) => {
    await lockMigrations(tx);
    if (await isRecorded(tx, file.version)) return null;
    await recordApplied(tx, { ...file, durationMs });
    return durationMs;
  });
}
