import { type SqlQuery, sql } from "../sql/index.ts";

/**
 * Case-insensitive substring match spelled the same on both dialects (PostgreSQL's LIKE is
 * case-sensitive, SQLite's is not for ASCII only): lower() on both sides, with the caller's
 * `%`, `_` and `\` taken literally.
 */
export function containsIgnoreCase(column: SqlQuery, needle: string): SqlQuery {
  const escaped = needle.replace(/[\\%_]/g, (c) => `\\${c}`);
  return sql`lower(${column}) LIKE lower(${`%${escaped}%`}) ESCAPE '\\'`;
}
