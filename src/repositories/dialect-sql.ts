import type { DatabaseBackend } from "../backends/database-backend.ts";
import { announceLocalChange } from "../backends/local-changes.ts";
import { type SqlParam, SqlQuery, sql } from "../sql/index.ts";

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

/**
 * A fixed query text with `?` markers as a query maker. Passing the text itself to the backend
 * scans it for markers on every call; split once into a frozen template, renderQuery finds its
 * rendering in the per-template cache instead. Only for texts written here, whose `?`s are all
 * markers (none inside literals, comments or as `??`).
 */
export function template(text: string): (values: readonly SqlParam[]) => SqlQuery {
  const strings = Object.freeze(text.split("?"));
  return (values) => new SqlQuery(strings, values);
}

/**
 * Runs `write` and announces it on `channel`: to other processes (PostgreSQL NOTIFY) in the
 * same transaction, so their listeners (DatabaseBackend.watchChanges) hear of it exactly when it
 * commits and never of a write that rolled back; and to this process once `write` has returned
 * (committed, unless `db` is itself inside a transaction that is still open).
 */
export async function writeAndSignal<T>(
  db: DatabaseBackend,
  channel: string,
  write: (db: DatabaseBackend) => Promise<T>,
): Promise<T> {
  const result =
    db.backendName === "postgres"
      ? await db.transaction(async (tx) => {
          const written = await write(tx);
          await tx.execute(sql`SELECT pg_notify(${channel}, '')`);
          return written;
        })
      : await write(db);
  announceLocalChange(channel);
  return result;
}
