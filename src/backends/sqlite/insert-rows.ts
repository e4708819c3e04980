/*
 * SQLite's bulk insert: `INSERT … VALUES (?, …), (?, …)` in statements of at most 16,000
 * parameters, or, for large batches, one single-row statement prepared once and stepped per row.
 */
import { type SqlParam, SqlQuery } from "../../sql/index.ts";
import type { DatabaseBackend, Row, RowSet } from "../database-backend.ts";
import { type InsertRows, insertRowSetsVia } from "../row-sets.ts";

/** Stays well under SQLite's 32,766 parameters per statement. */
export const MAX_PARAMS_PER_STATEMENT = 16_000;

/*
 * Large batches: one single-row statement prepared once and stepped per row (executeMany) beats
 * multi-row statements here (measured on 100,000 findings: raw prepared ×N 105k rows/s, raw
 * multi-row 1,000 91k); small batches (a scan's findings) stay one multi-row statement, which
 * saves the per-row steps and executeMany's savepoint.
 */
const PREPARED_ROWS_FROM = 200;
const singleRowTexts = new Map<string, string>();

/** Several tables' rows as one write: one transaction (a savepoint inside one), parents first. */
export function insertSqliteRowSets(db: DatabaseBackend, sets: readonly RowSet[]): Promise<void> {
  return insertRowSetsVia(db, sets, insertSqliteRows);
}

/** `db` is the session the rows go through: the backend or a transaction on it. */
export const insertSqliteRows: InsertRows = async (db, table, columns, records) => {
  if (records.length === 0) return;
  if (records.length >= PREPARED_ROWS_FROM) return insertPreparedRows(db, table, columns, records);
  const perChunk = Math.max(1, Math.floor(MAX_PARAMS_PER_STATEMENT / columns.length));
  if (records.length <= perChunk) {
    await db.execute(valuesInsert(table, columns, records, 0, records.length));
    return;
  }
  await db.transaction(async (tx) => {
    for (let start = 0; start < records.length; start += perChunk) {
      const end = Math.min(records.length, start + perChunk);
      await tx.execute(valuesInsert(table, columns, records, start, end));
    }
  });
};

async function insertPreparedRows(
  db: DatabaseBackend,
  table: string,
  columns: readonly string[],
  records: readonly Row[],
): Promise<void> {
  const key = `${table}(${columns.join(",")})`;
  let text = singleRowTexts.get(key);
  if (text === undefined) {
    text = `INSERT INTO ${table} (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`;
    singleRowTexts.set(key, text);
  }
  const width = columns.length;
  const rows: SqlParam[][] = new Array(records.length);
  for (let r = 0; r < records.length; r++) {
    const record = records[r] as Row;
    const row: SqlParam[] = new Array(width);
    for (let c = 0; c < width; c++) row[c] = record[columns[c] as string] as SqlParam;
    rows[r] = row;
  }
  await db.executeMany(text, rows);
}

/** One multi-row `INSERT … VALUES` for records[start, end). */
function valuesInsert(
  table: string,
  columns: readonly string[],
  records: readonly Row[],
  start: number,
  end: number,
): SqlQuery {
  const width = columns.length;
  const values: SqlParam[] = new Array((end - start) * width);
  let k = 0;
  for (let r = start; r < end; r++) {
    const record = records[r] as Row;
    for (let c = 0; c < width; c++) values[k++] = record[columns[c] as string] as SqlParam;
  }
  return new SqlQuery(valuesTemplate(table, columns, end - start), values);
}

// Frozen and reused per shape, so renderQuery's per-template cache turns repeat inserts of the
// same size into a lookup instead of re-joining thousands of markers.
const valuesTemplates = new Map<string, readonly string[]>();

function valuesTemplate(table: string, columns: readonly string[], rowCount: number): readonly string[] {
  const key = `${table}(${columns.join(",")})x${rowCount}`;
  let strings = valuesTemplates.get(key);
  if (strings === undefined) {
    const width = columns.length;
    const built: string[] = [`INSERT INTO ${table} (${columns.join(", ")}) VALUES (`];
    for (let r = 0; r < rowCount; r++) {
      for (let c = 0; c < width; c++) built.push(c < width - 1 ? ", " : r < rowCount - 1 ? "), (" : ")");
    }
    strings = Object.freeze(built);
    // Bounded: chunk sizes repeat, but a long-lived process sees many distinct small batch sizes.
    if (valuesTemplates.size >= 256) valuesTemplates.clear();
    valuesTemplates.set(key, strings);
  }
  return strings;
}
