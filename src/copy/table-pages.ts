/** Reads a whole table in key order, one bounded page at a time (keyset: no OFFSET rescans). */
import type { DatabaseBackend, Row } from "../backends/index.ts";
import type { CatalogTable } from "../repositories/index.ts";
import { sql } from "../sql/index.ts";

export async function* tablePages(
  db: DatabaseBackend,
  table: CatalogTable,
  pageSize: number,
): AsyncGenerator<Row[]> {
  const columns = sql.join(table.columns.map(([c]) => sql.ident(c)));
  const name = sql.ident(table.name);
  const key = sql.ident(table.key);
  let last: unknown;
  // The next page is asked for while the caller handles this one.
  const read = (after: unknown) =>
    db.fetchAll(
      after === undefined
        ? sql`SELECT ${columns} FROM ${name} ORDER BY ${key} LIMIT ${pageSize}`
        : sql`SELECT ${columns} FROM ${name} WHERE ${key} > ${after as string | number} ORDER BY ${key} LIMIT ${pageSize}`,
    );
  let next = read(undefined);
  for (;;) {
    const rows = await next;
    if (rows.length === 0) return;
    last = (rows[rows.length - 1] as Row)[table.key];
    next = rows.length < pageSize ? Promise.resolve([]) : read(last);
    yield rows;
  }
}

export async function countRows(db: DatabaseBackend, table: string): Promise<number> {
  const row = await db.fetchOne<{ n: number | bigint }>(sql`SELECT COUNT(*) AS n FROM ${sql.ident(table)}`);
  return Number(row?.n ?? 0);
}
