import type { SqlQuery } from "../sql/index.ts";
import type { DatabaseBackend, Row, RowSet } from "./database-backend.ts";

/** One driver's insert of many records into one table, through `db` (the backend or a transaction). */
export type InsertRows = (
  db: DatabaseBackend,
  table: string,
  columns: readonly string[],
  records: readonly Row[],
) => Promise<void>;

/**
 * What `insertRowSets` means on every backend: sets without records are skipped, a single set
 * is a plain insert, and several sets are written together or not at all, parents first. A
 * driver that can write them all in one statement says so through `oneStatement` (null when
 * they do not fit one); otherwise each set goes in turn inside one transaction.
 */
export async function insertRowSetsVia(
  db: DatabaseBackend,
  sets: readonly RowSet[],
  insertRows: InsertRows,
  oneStatement?: (filled: readonly RowSet[]) => SqlQuery | null,
): Promise<void> {
  const filled = sets.filter((s) => s.records.length > 0);
  if (filled.length === 0) return;
  if (filled.length === 1) {
    const [only] = filled as [RowSet];
    await insertRows(db, only.table, only.columns, only.records);
    return;
  }
  const statement = oneStatement?.(filled) ?? null;
  if (statement !== null) {
    await db.execute(statement);
    return;
  }
  await db.transaction(async (tx) => {
    for (const s of filled) await insertRows(tx, s.table, s.columns, s.records);
  });
}
