import type { DatabaseBackend } from "../backends/database-backend.ts";
import { type SqlQuery, sql } from "../sql/index.ts";

/*
 * The few SQL fragments that are spelled differently per dialect. Text ordering is the one that
 * matters to repositories: PostgreSQL sorts by the database's locale (which may ignore case and
 * punctuation), SQLite by bytes; ordering ids by UTF-8 bytes on both gives one order everywhere.
 */
export interface DialectFragments {
  /** For `sql` templates. */
  byteOrder: SqlQuery;
  /** The same as raw text, for query texts built once per dialect. */
  byteOrderText: string;
}

type Dialect = DatabaseBackend["backendName"];

const FRAGMENTS: Record<Dialect, DialectFragments> = {
  sqlite: { byteOrder: sql.unsafe("COLLATE BINARY"), byteOrderText: "COLLATE BINARY" },
  postgres: { byteOrder: sql.unsafe('COLLATE "C"'), byteOrderText: 'COLLATE "C"' },
};

export function fragmentsFor(db: DatabaseBackend): DialectFragments {
  return FRAGMENTS[db.backendName];
}

/**
 * Builds a value (typically a query text with `?` markers) once per dialect. Hot reads use these
 * instead of nesting fragments into `sql` templates, which would be re-rendered on every call.
 */
export function perDialect<T>(build: (fragments: DialectFragments) => T): (db: DatabaseBackend) => T {
  const built: Record<Dialect, T> = { sqlite: build(FRAGMENTS.sqlite), postgres: build(FRAGMENTS.postgres) };
  return (db) => built[db.backendName];
}
