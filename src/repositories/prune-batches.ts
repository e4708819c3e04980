import type { DatabaseBackend } from "../backends/index.ts";
import type { SqlQuery } from "../sql/index.ts";

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
