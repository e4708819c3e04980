import type { DatabaseBackend } from "../backends/database-backend.ts";
import { type SqlParam, SqlQuery } from "../sql/index.ts";

/** Stays well under SQLite's 32,766 and PostgreSQL's 65,534 parameters per statement. */
const MAX_PARAMS_PER_STATEMENT = 16_000;

/**
 * Multi-row INSERT, split into statements small enough for either driver. The caller supplies the
 * transaction: chunks of one logical write must commit together.
 */
export async function insertRows(
  db: DatabaseBackend,
  table: string,
  columns: readonly string[],
  rows: readonly (readonly SqlParam[])[],
): Promise<void> {
  if (rows.length === 0) return;
  const width = columns.length;
  const perChunk = Math.max(1, Math.floor(MAX_PARAMS_PER_STATEMENT / width));
  for (let start = 0; start < rows.length; start += perChunk) {
    const end = Math.min(rows.length, start + perChunk);
    const values: SqlParam[] = new Array((end - start) * width);
    let k = 0;
    for (let r = start; r < end; r++) {
      const row = rows[r] as readonly SqlParam[];
      for (let c = 0; c < width; c++) values[k++] = row[c] as SqlParam;
    }
    await db.execute(new SqlQuery(templateFor(table, columns, end - start), values));
  }
}

// Frozen and reused per shape, so renderQuery's per-template cache turns repeat inserts of the
// same size into a lookup instead of re-joining thousands of markers.
const templates = new Map<string, readonly string[]>();

function templateFor(table: string, columns: readonly string[], rowCount: number): readonly string[] {
  const key = `${table}(${columns.join(",")})x${rowCount}`;
  let strings = templates.get(key);
  if (strings === undefined) {
    const width = columns.length;
    const built: string[] = [`INSERT INTO ${table} (${columns.join(", ")}) VALUES (`];
    for (let r = 0; r < rowCount; r++) {
      for (let c = 0; c < width; c++) built.push(c < width - 1 ? ", " : r < rowCount - 1 ? "), (" : ")");
    }
    strings = Object.freeze(built);
    // Bounded: chunk sizes repeat, but a long-lived process sees many distinct small batch sizes.
    if (templates.size >= 256) templates.clear();
    templates.set(key, strings);
  }
  return strings;
}
