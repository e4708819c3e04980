import type { DatabaseBackend } from "../backends/index.ts";
import { type SqlQuery, sql } from "../sql/index.ts";
import { type InstantInput, instantIn } from "./domain.ts";
import { countOf } from "./query-parts.ts";

export interface PruneOptions {
  /** Rows per DELETE statement. Default 1,000. */
  batchSize?: number;
  /** Called after each batch with the running total. */
  onBatch?: (deletedSoFar: number) => void;
  /** Checked between batches: a stopping service ends a prune at the next batch boundary. */
  signal?: AbortSignal;
}

export const DEFAULT_PRUNE_BATCH = 1_000;

/*
 * Each batch is one autocommitted statement: on SQLite the write lock (and, the SQLite driver being
 * synchronous, the event loop) is held for one batch only, and the statements other callers
 * queued meanwhile run before the next; on PostgreSQL the row locks last one batch. A timer turn
 * between batches lets the process answer requests that arrived during one.
 */
export async function deleteInBatches(
  db: DatabaseBackend,
  batch: (limit: number) => SqlQuery,
  options: PruneOptions = {},
): Promise<number> {
  const size = options.batchSize ?? DEFAULT_PRUNE_BATCH;
  if (!Number.isInteger(size) || size < 1)
    throw new RangeError(`batchSize must be a positive integer (got ${size})`);
  let deleted = 0;
  for (;;) {
    if (options.signal?.aborted) return deleted;
    const { rowCount } = await db.execute(batch(size));
    deleted += rowCount;
    options.onBatch?.(deleted);
    if (rowCount < size) return deleted;
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

/** A log table's rows stamped before a cutoff: how many there are, and deleting them. */
export interface AgedRows {
  count(db: DatabaseBackend, cutoff: InstantInput): Promise<number>;
  /** Oldest first, in committed batches (deleteInBatches); how many were deleted. */
  prune(db: DatabaseBackend, cutoff: InstantInput, options?: PruneOptions): Promise<number>;
}

/** For a table whose rows carry a `timestamp` and are keyed by `key` (names written here, never input). */
export function agedRows(table: string, key: string): AgedRows {
  const from = sql.unsafe(table);
  const id = sql.unsafe(key);
  return {
    count: (db, cutoff) =>
      countOf(db, sql`SELECT COUNT(*) AS n FROM ${from} WHERE timestamp < ${instantIn("cutoff", cutoff)}`),
    prune(db, cutoff, options = {}) {
      const before = instantIn("cutoff", cutoff);
      return deleteInBatches(
        db,
        (n) =>
          sql`DELETE FROM ${from} WHERE ${id} IN (SELECT ${id} FROM ${from} WHERE timestamp < ${before} ORDER BY timestamp LIMIT ${n})`,
        options,
      );
    },
  };
}
