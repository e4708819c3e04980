import type { BackendName } from "../config/index.ts";
import type { SqlParam, SqlQuery } from "../sql/index.ts";

/** A query: text with `?` markers (plus params), or a `SqlQuery` from the `sql` tag (no params). */
export type QueryInput = string | SqlQuery;

export type Row = Record<string, unknown>;

export interface ExecuteResult {
  rowCount: number;
}

/** One table's rows of a write that spans several tables (`insertRowSets`). */
export interface RowSet {
  table: string;
  columns: readonly string[];
  /** Objects keyed by column name, values as bound, as `insertRows` takes them. */
  records: readonly Row[];
}

/** Connection counts, for health output and metrics. SQLite reports its one connection. */
export interface PoolStats {
  open: number;
  /** Open and doing nothing; `open - idle` are in use. */
  idle: number;
  max: number;
  /** Statements and transactions queued for a connection (none is free). */
  waiting: number;
}

/** Facts about the storage files, for metrics; see `DatabaseBackend.storageStats`. */
export interface StorageStats {
  /** Bytes in the write-ahead log file (checkpoints move them into the database file). */
  walBytes: number;
  /** Bytes in the database file itself. */
  fileBytes: number;
}

/** What a change watch reports; see `DatabaseBackend.watchChanges`. */
export interface ChangeHandlers {
  /** Someone signalled the channel (a committed change, in this process or another). */
  onChange(): void;
  /** From now on every committed signal on the channel is reported, until `onLost`. */
  onLive(): void;
  /** Signals may be missed from now on (the connection that listens is gone), until `onLive` again. */
  onLost(): void;
}

/**
 * What a repository may ask a backend instead of asking which database it is. The answers are
 * constants per backend (one object each), so callers may cache what they build from them.
 */
export interface BackendCapabilities {
  /**
   * The COLLATE clause that orders text by its bytes. The databases' default text orders differ
   * (PostgreSQL sorts by the locale, which may ignore case and punctuation; SQLite by bytes):
   * ordering ids by bytes gives one order everywhere.
   */
  readonly byteOrder: string;
  /**
   * An SQL expression: the rows of table alias `alias` (bound in the caller's FROM) as JSON array
   * text ordered by `orderBy`, `'[]'` when there are none. Null where several small reads cost
   * less than building JSON (in-process SQLite), so a caller reads the rows separately.
   */
  readonly jsonRowsArray: ((alias: string, orderBy: string) => string) | null;
  /** Whether `poolStats` describes a pool of connections (health reports it then). */
  readonly pooled: boolean;
  /**
   * An SQL expression reading the timestamp column `column` as its stored text
   * (`YYYY-MM-DD HH:MM:SS[.ffffff]`, UTC by the schema's convention), for hot lists whose rows the
   * repositories turn into ISO text anyway: the driver then builds no Date per row only for it to
   * be formatted again. Absent where the column already comes back as that text (SQLite).
   */
  readonly instantText?: (column: string) => string;
}

export interface ChangeWatch {
  /** Stops listening; `onLost` is not called for it. */
  close(): Promise<void>;
}

/**
 * The one storage contract both databases implement. Migrations and repositories see only this.
 * Rows come back as plain objects keyed by column name.
 */
export abstract class DatabaseBackend {
  abstract readonly backendName: BackendName;

  abstract readonly capabilities: BackendCapabilities;

  abstract execute(query: QueryInput, params?: readonly SqlParam[]): Promise<ExecuteResult>;

  /** Runs one statement per parameter row, atomically: all rows or none. */
  abstract executeMany(query: string, paramsSeq: readonly (readonly SqlParam[])[]): Promise<ExecuteResult>;

  abstract fetchOne<T = Row>(query: QueryInput, params?: readonly SqlParam[]): Promise<T | null>;

  abstract fetchAll<T = Row>(query: QueryInput, params?: readonly SqlParam[]): Promise<T[]>;

  /** Commits when `fn` resolves, rolls back when it throws; only `tx` runs inside it. */
  abstract transaction<T>(fn: (tx: DatabaseBackend) => Promise<T>): Promise<T>;

  /**
   * Runs a script of several statements with no parameters (a migration file).
   * Inside `transaction` it joins that transaction.
   */
  abstract executeScript(text: string): Promise<void>;

  /**
   * Serialises migration runners. Called first inside the transaction that applies a migration;
   * the lock lasts until that transaction ends. SQLite's BEGIN IMMEDIATE already is such a lock.
   */
  abstract lockForMigration(): Promise<void>;

  abstract poolStats(): PoolStats;

  /**
   * Inserts `records` (objects keyed by column name, values as bound) into `table`, all or none,
   * in as few statements as the driver allows (the bulk path of scans, findings, URL analyses and
   * usage counts). Every record has every column: no column default is silently substituted.
   */
  abstract insertRows(table: string, columns: readonly string[], records: readonly Row[]): Promise<void>;

  /**
   * Inserts several tables' rows as one write (a scan, its findings, its URL analyses and its
   * audit entry): all or none, parents before children, each set as `insertRows` takes it.
   * SQLite: one transaction. PostgreSQL sends a write that fits as ONE statement (a CTE of
   * inserts: one round trip, atomic without BEGIN/COMMIT), with the errors the separate inserts
   * give. Abstract, so a wrapper cannot silently fall back to the slower form.
   */
  abstract insertRowSets(sets: readonly RowSet[]): Promise<void>;

  /**
   * Tells every watcher of `channel` (`watchChanges`, in this process and in others) that
   * something changed: once the enclosing transaction commits, never for one that rolls back;
   * outside a transaction at once.
   */
  abstract signalChange(channel: string): Promise<void>;

  /** Whether `table` exists in the schema this backend uses. */
  abstract tableExists(table: string): Promise<boolean>;

  /**
   * The base tables of the schema the backend works in (bookkeeping included), sorted by name;
   * for tools that handle a whole database (db:copy refuses a table it does not know).
   */
  abstract listTables(): Promise<string[]>;

  /**
   * After rows were written with explicit values in a generated integer key (`table.column`,
   * AUTOINCREMENT / BIGSERIAL), makes the next generated value exceed every stored one.
   * Joins the transaction it is called in.
   */
  abstract resetIdentity(table: string, column: string): Promise<void>;

  /**
   * Sizes of the files this backend writes, read without a query (so it answers while the
   * database is busy). Null when the files are the server's business (PostgreSQL) or there are
   * none (an in-memory database).
   */
  storageStats(): StorageStats | null {
    return null;
  }

  /**
   * Listens for change signals on `channel` from every process using the database (PostgreSQL
   * LISTEN/NOTIFY; writers call `signalChange` in the transaction of the change, so the signal
   * arrives once the change is committed). Null when this backend cannot
   * tell other processes' changes, so callers must read instead of trusting a cached answer.
   */
  watchChanges(_channel: string, _handlers: ChangeHandlers): ChangeWatch | null {
    return null;
  }

  /**
   * Resolves when the database answers and can take writes; rejects with the StorageError that
   * says why not (a permanent fault such as a read-only file or a full disk has one of the kinds
   * in storage-faults.ts as its code). Readiness probes call it.
   */
  async checkReady(): Promise<void> {
    await this.fetchOne("SELECT 1 AS ok");
  }

  /**
   * Where reads that may lag behind the latest writes go (lists, searches): a read replica when
   * one is configured, else this backend. A read of something just written stays on this one.
   */
  forLaggingReads(): DatabaseBackend {
    return this;
  }

  /**
   * Why this backend cannot take writes (a hot standby), or null. Asked at start and by
   * readiness probes: a standby must not report ready and then answer every write with 503.
   */
  async readOnlyReason(): Promise<string | null> {
    return null;
  }

  /** Both backends auto-commit outside `transaction`; kept for the Python seed's interface. */
  async commit(): Promise<void> {}

  /** Waits for in-flight work, then releases the connection or pool. */
  abstract close(): Promise<void>;
}
