/* Query pieces every repository writes the same way. */
import type { DatabaseBackend, Row } from "../backends/index.ts";
import { type SqlQuery, sql } from "../sql/index.ts";

const NOTHING = sql``;

/** ` WHERE a AND b …` of the conditions given; nothing when there are none. */
export function whereAll(conditions: readonly SqlQuery[]): SqlQuery {
  return conditions.length === 0 ? NOTHING : sql` WHERE ${sql.join(conditions, " AND ")}`;
}

/** The `n` of a `SELECT COUNT(*) AS n …`, as a number (PostgreSQL's int8 count may not be one). */
export async function countOf(db: DatabaseBackend, query: SqlQuery): Promise<number> {
  const row = await db.fetchOne<{ n: number }>(query);
  return Number(row?.n ?? 0);
}

/** A table's read of one row by primary key `id`, converted; the query text is made once. */
export function rowById<T>(
  table: string,
  out: (row: Row) => T,
): (db: DatabaseBackend, id: string) => Promise<T | null> {
  const query = `SELECT * FROM ${table} WHERE id = ?`;
  return async (db, id) => {
    const row = await db.fetchOne(query, [id]);
    return row === null ? null : out(row);
  };
}
