import { StorageError } from "../../errors/index.ts";
import type { SqlParam } from "../../sql/index.ts";
import { announceLocalChange, CommitSignals } from "../change-signals.ts";
import type { ExecuteResult, PoolStats, QueryInput, Row, RowSet } from "../database-backend.ts";
import { DatabaseBackend } from "../database-backend.ts";
import { prepareBatch, prepareQuery } from "../prepare-query.ts";
import { CAPABILITIES } from "./capabilities.ts";
import type { CachedStatement, SqliteConnection } from "./connection.ts";
import { insertSqliteRowSets, insertSqliteRows } from "./insert-rows.ts";
import { PromiseMutex } from "./promise-mutex.ts";
import { bindsAsIs, type SqliteValue, toSqliteValues } from "./values.ts";

const NO_VALUES: readonly SqliteValue[] = Object.freeze([]);

/**
 * A view of the one connection that runs its callers' work strictly in turn.
 *
 * Depth 0 is the backend itself; each `transaction()` hands its `fn` a new session one level
 * deeper, with a mutex of its own, while holding its parent's mutex for the whole transaction.
 * So the `tx` runs at once, everyone else waits for the transaction to end, and a nested
 * `tx.transaction()` (a SAVEPOINT) excludes `tx`'s other statements the same way.
 * The price: inside `fn`, awaiting a statement on the outer backend waits for `fn` itself,
 * forever. Code running in a transaction must use the `tx` it was given.
 */
export class SqliteSession extends DatabaseBackend {
  readonly backendName = "sqlite" as const;
  readonly capabilities = CAPABILITIES;
  protected readonly connection: SqliteConnection;
  protected readonly mutex = new PromiseMutex();
  readonly #depth: number;
  readonly #stats: () => PoolStats;
  /** The signals of the outermost transaction this session belongs to; null on the backend itself. */
  readonly #signals: CommitSignals | null;
  #unusable: string | undefined;

  protected constructor(
    connection: SqliteConnection,
    depth: number,
    stats?: () => PoolStats,
    signals: CommitSignals | null = null,
  ) {
    super();
    this.connection = connection;
    this.#depth = depth;
    this.#stats = stats ?? (() => this.poolStats());
    this.#signals = signals;
  }

  /*
   * These return the mutex's promise directly rather than being async functions: an async
   * function returning a promise adds turns of the event loop to every statement. Validation
   * errors still surface as rejections, never as synchronous throws.
   */
  execute(query: QueryInput, params?: readonly SqlParam[]): Promise<ExecuteResult> {
    return this.#statement(query, params, (text, values) => ({
      rowCount: this.connection.run(text, values),
    }));
  }

  executeMany(query: string, paramsSeq: readonly (readonly SqlParam[])[]): Promise<ExecuteResult> {
    let batch: { text: string; rows: (readonly SqliteValue[])[] };
    try {
      // While the connection is idle the rows are bound before this call returns: rows the
      // driver binds as they are need no converted copy.
      const convert = this.mutex.idle
        ? (p: readonly SqlParam[]) => (bindsAsIs(p) ? p : toSqliteValues(p))
        : toSqliteValues;
      batch = prepareBatch(query, paramsSeq, "sqlite", convert);
    } catch (error) {
      return Promise.reject(error);
    }
    const { text, rows } = batch;
    if (rows.length === 0) return this.#inTurn(() => ({ rowCount: 0 }));
    return this.runAtomically(() => ({ rowCount: this.connection.runMany(text, rows) }));
  }

  fetchOne<T = Row>(query: QueryInput, params?: readonly SqlParam[]): Promise<T | null> {
    return this.#read(query, params, false) as Promise<T | null>;
  }

  fetchAll<T = Row>(query: QueryInput, params?: readonly SqlParam[]): Promise<T[]> {
    return this.#read(query, params, true) as Promise<T[]>;
  }

  async executeScript(text: string): Promise<void> {
    if (typeof text !== "string") {
      throw new StorageError("executeScript takes SQL text", { code: "INVALID_QUERY" });
    }
    return this.#inTurn(() => this.connection.exec(text));
  }

  transaction<T>(fn: (tx: DatabaseBackend) => Promise<T>): Promise<T> {
    return this.mutex.run(async () => {
      this.#assertUsable();
      this.#begin();
      const signals = this.#signals ?? new CommitSignals();
      const tx = new SqliteSession(this.connection, this.#depth + 1, this.#stats, signals);
      let result: T;
      try {
        result = await fn(tx);
      } catch (error) {
        tx.#unusable = "This transaction has already rolled back";
        this.#rollback();
        throw error;
      }
      tx.#unusable = "This transaction has already committed";
      try {
        this.#commit();
      } catch (error) {
        // A failed COMMIT (a deferred foreign key, say) leaves the transaction open.
        this.#rollback();
        throw error;
      }
      if (this.#depth === 0) signals.announce();
      return result;
    });
  }

  insertRows(table: string, columns: readonly string[], records: readonly Row[]): Promise<void> {
    return insertSqliteRows(this, table, columns, records);
  }

  insertRowSets(sets: readonly RowSet[]): Promise<void> {
    return insertSqliteRowSets(this, sets);
  }

  /** SQLite tells no other process; within this one, listeners hear of it after the commit. */
  async signalChange(channel: string): Promise<void> {
    this.#assertUsable();
    if (this.#signals === null) announceLocalChange(channel);
    else this.#signals.add(channel);
  }

  async tableExists(table: string): Promise<boolean> {
    const row = await this.fetchOne(
      "SELECT 1 AS found FROM sqlite_master WHERE type = 'table' AND name = ?",
      [table],
    );
    return row !== null;
  }

  async lockForMigration(): Promise<void> {
    this.#assertUsable();
    if (this.#depth === 0) {
      throw new StorageError("lockForMigration() must be called inside transaction()", {
        code: "NOT_IN_TRANSACTION",
      });
    }
    // Nothing to take: the outermost transaction began with BEGIN IMMEDIATE, which holds
    // SQLite's one write lock against every other connection until it ends.
  }

  async listTables(): Promise<string[]> {
    const rows = await this.fetchAll<{ name: string }>(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name COLLATE BINARY",
    );
    return rows.map((r) => r.name);
  }

  /** AUTOINCREMENT keeps its counter (sqlite_sequence) at the highest id ever inserted, explicit ones included. */
  async resetIdentity(_table: string, _column: string): Promise<void> {}

  poolStats(): PoolStats {
    return this.#stats();
  }

  async close(): Promise<void> {
    throw new StorageError("A transaction cannot be closed; it ends when its function returns or throws", {
      code: "INVALID_OPERATION",
    });
  }

  /** Refuses all later work with `reason` (the backend uses it when it closes). */
  protected markUnusable(reason: string): void {
    this.#unusable = reason;
  }

  protected assertUsable(): void {
    this.#assertUsable();
  }

  #assertUsable(): void {
    if (this.#unusable !== undefined) throw new StorageError(this.#unusable, { code: "BACKEND_CLOSED" });
  }

  /** Validates and converts before taking a turn, so a bad query never waits for the connection. */
  #statement<T>(
    query: QueryInput,
    params: readonly SqlParam[] | undefined,
    work: (text: string, values: SqliteValue[]) => T,
  ): Promise<T> {
    let text: string;
    let values: SqliteValue[];
    try {
      const prepared = prepareQuery(query, params, "sqlite");
      text = prepared.text;
      values = toSqliteValues(prepared.values);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.runStatement(text, () => work(text, values));
  }

  /** Where one validated statement runs: in turn on this session (the backend may batch writes). */
  protected runStatement<T>(_text: string, work: () => T): Promise<T> {
    return this.#inTurn(work);
  }

  /** Runs `work` in turn, all-or-nothing (the backend may batch it with other writers). */
  protected runAtomically<T>(work: () => T): Promise<T> {
    return this.#inTurn(() => this.#atomically(work));
  }

  /*
   * The fast path of a read sent again (repositories send the same few texts over and over):
   * the statement of this exact text is cached and its `?` markers were counted when it first
   * passed prepareQuery, so checking the count and the values' kinds here is all prepareQuery
   * would do, and values the driver binds as they are need no copy since the read runs now.
   * Anything else (a sql-tag query, a first call, a value to convert or refuse, a busy
   * connection) answers undefined, and #read takes the full way, which reports errors as before.
   */
  #readyToRead(query: QueryInput, params: readonly SqlParam[] | undefined): CachedStatement | undefined {
    if (typeof query !== "string" || !this.mutex.idle || this.#unusable !== undefined) return undefined;
    const cached = this.connection.cachedStatement(query);
    if (cached === undefined) return undefined;
    const values = params ?? NO_VALUES;
    return Array.isArray(values) && values.length === cached.markers && bindsAsIs(values)
      ? cached
      : undefined;
  }

  /*
   * Reads skip the closures of #statement: while the connection is idle (the common case) the
   * read runs at once, as the mutex would run it, for a third of the layer's cost per call.
   */
  #read(
    query: QueryInput,
    params: readonly SqlParam[] | undefined,
    all: boolean,
  ): Promise<Row | Row[] | null> {
    let text: string;
    let values: readonly SqliteValue[];
    try {
      const cached = this.#readyToRead(query, params);
      if (cached !== undefined) {
        values = (params ?? NO_VALUES) as readonly SqliteValue[];
        return Promise.resolve(
          all ? this.connection.allOf(cached, values) : this.connection.getOf(cached, values),
        );
      }
      const prepared = prepareQuery(query, params, "sqlite");
      text = prepared.text;
      if (this.mutex.idle) {
        this.#assertUsable();
        // Bound before this call returns, so the caller's array needs no copy when it binds as is.
        values = bindsAsIs(prepared.values) ? prepared.values : toSqliteValues(prepared.values);
        const cached = this.connection.statement(text);
        // The text passed the marker count with these values: the next call can skip the scan.
        if (typeof query === "string") cached.markers = values.length;
        return Promise.resolve(
          all ? this.connection.allOf(cached, values) : this.connection.getOf(cached, values),
        );
      }
      values = toSqliteValues(prepared.values);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#inTurn(() => (all ? this.connection.all(text, values) : this.connection.get(text, values)));
  }

  #inTurn<T>(work: () => T): Promise<T> {
    return this.mutex.run(() => {
      this.#assertUsable();
      return work();
    });
  }

  /** Runs `work` all-or-nothing: its own transaction at depth 0, a savepoint inside one. */
  #atomically<T>(work: () => T): T {
    this.#begin();
    let result: T;
    try {
      result = work();
    } catch (error) {
      this.#rollback();
      throw error;
    }
    try {
      this.#commit();
    } catch (error) {
      this.#rollback();
      throw error;
    }
    return result;
  }

  get #savepoint(): string {
    return `malwar_sp_${this.#depth}`;
  }

  #begin(): void {
    // IMMEDIATE takes the write lock up front and honours busy_timeout; a deferred transaction
    // that writes later gets SQLITE_BUSY at once under contention.
    this.connection.exec(this.#depth === 0 ? "BEGIN IMMEDIATE" : `SAVEPOINT ${this.#savepoint}`);
  }

  #commit(): void {
    this.connection.exec(this.#depth === 0 ? "COMMIT" : `RELEASE ${this.#savepoint}`);
  }

  #rollback(): void {
    // Some errors (SQLITE_FULL, SQLITE_IOERR, …) make SQLite roll back on its own.
    if (!this.connection.inTransaction) return;
    try {
      this.connection.exec(
        this.#depth === 0 ? "ROLLBACK" : `ROLLBACK TO ${this.#savepoint}; RELEASE ${this.#savepoint}`,
      );
    } catch {
      // The error that made us roll back is the one worth reporting.
    }
  }
}
