import type { BackendName } from "../config/index.ts";

/**
 * The little SQL that differs between dialects for the bookkeeping table, in one table rather
 * than as branches through the migrator. Everything else the migrator sends is common SQL.
 */
export interface BookkeepingDialect {
  createTable: string;
  /** One row per column of schema_migrations, as `{ name }`; no rows when the table is absent. */
  listColumns: string;
  /** Columns the migrator adds, nullable, so a Python-made three-column table can be adopted. */
  addedColumns: Readonly<Record<"checksum" | "duration_ms", string>>;
  /** Run first in every locked transaction. */
  lockPrelude: readonly string[];
  /**
   * Whether a `-- migrate:no-transaction` file must be sent one statement at a time: PostgreSQL
   * runs a multi-statement string as one implicit transaction, where CREATE INDEX CONCURRENTLY is
   * refused. SQLite runs each statement of a script in autocommit already.
   */
  oneStatementAtATime: boolean;
}

const DIALECTS: Record<BackendName, BookkeepingDialect> = {
  sqlite: {
    createTable: `CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      applied_at TEXT DEFAULT (datetime('now')),
      checksum TEXT,
      duration_ms INTEGER
    )`,
    listColumns: "SELECT name FROM pragma_table_info('schema_migrations')",
    addedColumns: { checksum: "TEXT", duration_ms: "INTEGER" },
    lockPrelude: [],
    oneStatementAtATime: false,
  },
  postgres: {
    createTable: `CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY,
      name VARCHAR(255) NOT NULL,
      applied_at TIMESTAMP DEFAULT NOW(),
      checksum VARCHAR(64),
      duration_ms BIGINT
    )`,
    listColumns: `SELECT column_name AS name FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name = 'schema_migrations'`,
    addedColumns: { checksum: "VARCHAR(64)", duration_ms: "BIGINT" },
    // A migration may legitimately outlast the pool's statement_timeout (an index on a big
    // table), and so may the wait of a runner queued behind it on the lock. LOCAL: the setting
    // ends with the transaction and never leaks into the pooled connection.
    lockPrelude: ["SET LOCAL statement_timeout = 0"],
    oneStatementAtATime: true,
  },
};

export function bookkeepingDialect(backendName: BackendName): BookkeepingDialect {
  return DIALECTS[backendName];
}
