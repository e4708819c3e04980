import type { BulkInput, ScanWithFindings, UsageRow } from "./fixtures.ts";

/**
 * One way of doing the workloads: the raw driver, the project's repositories on a backend, or a
 * peer (another client sending the raw side's SQL, e.g. Bun's built-in SQL on PostgreSQL).
 * Every contender works on its own database (file or throwaway PostgreSQL database) with the same
 * schema, so none sees another's rows, and all start each round from empty tables.
 * Read methods return a count of what they read, so the work cannot be skipped and all sides can
 * be checked to have read the same thing.
 */
export interface Contender {
  readonly label: string;
  /** A readable name for tables and targets (a peer's, e.g. "Bun SQL"); `label` when absent. */
  readonly title?: string;
  /** Empties the tables the workloads write. Untimed. */
  reset(): Promise<void>;
  /** Refreshes planner statistics after W1 filled the tables. Untimed. */
  analyze(): Promise<void>;
  /** W1: each scan with its findings in one transaction, one after another. */
  recordScans(items: readonly ScanWithFindings[]): Promise<void>;
  /**
   * W2: a scan by id plus its findings, for each id in turn; named ways (the raw side has the
   * brief's two-query form and the form that reads what ours reads). Each returns findings read.
   */
  readonly getVariants: Readonly<Record<string, (ids: readonly string[]) => Promise<number>>>;
  /** W3: the `limit` newest scans, `times` times. Returns rows read. */
  listRecent(times: number, limit: number): Promise<number>;
  /** W4: named ways of storing all rows in one call and one transaction (none for a W1–W3 peer). */
  readonly bulkVariants: Readonly<Record<string, (input: BulkInput) => Promise<void>>>;
  /** Removes W4's rows so the next variant starts from the same table. Untimed. */
  clearBulk(): Promise<void>;
  /** W5: single-row inserts, one after another (absent for a peer that does W1–W3 only). */
  appendUsage?(rows: readonly UsageRow[]): Promise<void>;
  /** W5 on PostgreSQL: the same rows split over `workers` concurrent loops sharing the pool. */
  appendUsageConcurrent?(rows: readonly UsageRow[], workers: number): Promise<void>;
  /** Row counts, to check that every contender stored the same. */
  counts(): Promise<{ scans: number; findings: number; api_usage: number }>;
  close(): Promise<void>;
}

/** Splits `rows` into `workers` contiguous slices and runs them concurrently. */
export async function inWorkers<T>(
  rows: readonly T[],
  workers: number,
  each: (row: T) => Promise<unknown>,
): Promise<void> {
  const size = Math.ceil(rows.length / workers);
  const loops: Promise<void>[] = [];
  for (let w = 0; w < workers; w++) {
    const slice = rows.slice(w * size, (w + 1) * size);
    loops.push(
      (async () => {
        for (const row of slice) await each(row);
      })(),
    );
  }
  await Promise.all(loops);
}
