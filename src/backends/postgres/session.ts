import { StorageError } from "../../errors/index.ts";
import { type SqlParam, sql } from "../../sql/index.ts";
import { announceLocalChange, CommitSignals } from "../change-signals.ts";
import type { ExecuteResult, PoolStats, QueryInput, Row, RowSet } from "../database-backend.ts";
import { DatabaseBackend } from "../database-backend.ts";
import { prepareBatch, prepareQuery } from "../prepare-query.ts";
import { CAPABILITIES } from "./capabilities.ts";
import type { DriverQueryOptions, DriverResult, DriverTransaction } from "./driver-types.ts";
import { wrapPostgresError } from "./errors.ts";
import { runBatch } from "./execute-many.ts";
import { insertPostgresRowSets, insertPostgresRows } from "./insert-rows.ts";
import { COLUMN_TYPES_TEXT, JSON_SAFE_TYPES, type JsonBatch, planJsonBatch } from "./json-batch.ts";
import { planMultiRowInsert } from "./multi-row-insert.ts";
import { rowsOfValues } from "./value-rows.ts";

/** Per pool (its shared context): which tables' columns the json executeMany path may fill. */
const jsonSafeTables = new WeakMap<SessionContext, Map<string, Promise<boolean>>>();

/** What a pool and the transactions opened on it share. */
export interface SessionContext {
  readonly prepare: boolean;
  /** Cut out of every error message (the password). */
  readonly secrets: readonly string[];
  readonly stats: () => PoolStats;
}

/**
 * The query surface shared by the pool (`PostgresDatabase`) and a transaction on it
 * (`PostgresTransaction`); they differ in where a statement runs and what "atomically" means.
 */
export abstract class PostgresSession extends DatabaseBackend {
  readonly backendName = "postgres" as const;
  readonly capabilities = CAPABILITIES;
  protected readonly context: SessionContext;
  /** The signals of the transaction this session runs in; null on the pool. */
  protected readonly signals: CommitSignals | null;

  protected constructor(context: SessionContext, signals: CommitSignals | null = null) {
    super();
    this.context = context;
    this.signals = signals;
  }

  /** Sends one statement (or, with `simple`, a script). Errors come back as the driver raised them. */
  protected abstract run(text: string, values: unknown[], options: DriverQueryOptions): Promise<DriverResult>;

  /** Runs `work` all-or-nothing: a transaction on the pool, a savepoint inside a transaction. */
  protected abstract atomically<T>(work: (tx: DriverTransaction) => Promise<T>): Promise<T>;

  /** A session bound to a transaction the driver has opened. */
  protected abstract openTransaction(
    tx: DriverTransaction,
    signals: CommitSignals,
  ): PostgresSession & { finish(): void };

  /*
   * The three statement methods chain on the driver's promise instead of nesting async
   * functions: each async layer costs turns of the event loop on every statement.
   */
  execute(query: QueryInput, params?: readonly SqlParam[]): Promise<ExecuteResult> {
    return this.#statement(query, params).then(toExecuteResult);
  }

  fetchOne<T = Row>(query: QueryInput, params?: readonly SqlParam[]): Promise<T | null> {
    return this.#statement(query, params).then(firstRow) as Promise<T | null>;
  }

  fetchAll<T = Row>(query: QueryInput, params?: readonly SqlParam[]): Promise<T[]> {
    return this.#statement(query, params, true).then(rowsOfValues) as Promise<T[]>;
  }

  async executeMany(query: string, paramsSeq: readonly (readonly SqlParam[])[]): Promise<ExecuteResult> {
    // Rows are bound as given: the bulk paths copy them into the statements they send.
    const batch = prepareBatch(query, paramsSeq, "postgres", asDriverRow);
    if (batch.rows.length === 0) return { rowCount: 0 };
    try {
      const plan = planMultiRowInsert(batch.source);
      const json = plan === null ? null : planJsonBatch(plan, batch.rows);
      if (json !== null && (await this.#jsonSafe(json))) {
        const prepare = { prepare: this.context.prepare };
        // One statement is atomic by itself: no transaction, one round trip.
        if (json.chunks.length === 1) {
          return { rowCount: (await this.run(json.text, [json.chunks[0]], prepare)).count ?? 0 };
        }
        const rowCount = await this.atomically(async (tx) => {
          let n = 0;
          for (const chunk of json.chunks) n += (await tx.unsafe(json.text, [chunk], prepare)).count ?? 0;
          return n;
        });
        return { rowCount };
      }
      const rowCount = await this.atomically((tx) =>
        runBatch(tx, batch.source, batch.text, batch.rows, this.context.prepare),
      );
      return { rowCount };
    } catch (error) {
      throw wrapPostgresError(error, this.context.secrets);
    }
  }

  /** Whether every column of `batch` has a type json_populate_recordset fills as binding would. */
  #jsonSafe(batch: JsonBatch): Promise<boolean> {
    let known = jsonSafeTables.get(this.context);
    if (known === undefined) {
      known = new Map();
      jsonSafeTables.set(this.context, known);
    }
    const key = `${batch.table}(${batch.columns.join(",")})`;
    let answer = known.get(key);
    if (answer === undefined) {
      const columns = batch.columns;
      answer = this.run(COLUMN_TYPES_TEXT, [batch.table, columns], { prepare: this.context.prepare }).then(
        // An unknown table finds no columns (to_regclass is null, not an error that would abort
        // a transaction): the VALUES path then sends the statement and the server says why.
        (rows) => rows.length === columns.length && rows.every((r) => JSON_SAFE_TYPES.has(String(r.type))),
        () => false,
      );
      // Bounded: a long-lived process may insert into many tables, but not unboundedly many.
      if (known.size >= 256) known.clear();
      known.set(key, answer);
    }
    return answer;
  }

  async executeScript(text: string): Promise<void> {
    if (typeof text !== "string") {
      throw new StorageError("executeScript takes SQL text", { code: "INVALID_QUERY" });
    }
    try {
      // The simple protocol takes several statements in one message (a migration file).
      await this.run(text, [], { simple: true });
    } catch (error) {
      throw wrapPostgresError(error, this.context.secrets);
    }
  }

  async transaction<T>(fn: (tx: DatabaseBackend) => Promise<T>): Promise<T> {
    let failure: { error: unknown } | undefined;
    const signals = this.signals ?? new CommitSignals();
    let result: T;
    try {
      result = await this.atomically(async (driverTx) => {
        const tx = this.openTransaction(driverTx, signals);
        try {
          return await fn(tx);
        } catch (error) {
          failure = { error };
          throw error;
        } finally {
          tx.finish();
        }
      });
    } catch (error) {
      // The caller's own error, whatever the rollback did; otherwise BEGIN/COMMIT failed, or a
      // statement failed inside and `fn` swallowed it (the transaction could not commit then).
      if (failure) throw failure.error;
      throw wrapPostgresError(error, this.context.secrets);
    }
    if (this.signals === null) signals.announce();
    return result;
  }

  insertRows(table: string, columns: readonly string[], records: readonly Row[]): Promise<void> {
    return insertPostgresRows(this, table, columns, records);
  }

  insertRowSets(sets: readonly RowSet[]): Promise<void> {
    return insertPostgresRowSets(this, sets);
  }

  /**
   * NOTIFY in the transaction of the change: other processes' listeners hear of it exactly when
   * it commits. This process's own listener would hear a moment later, on another socket, so the
   * change is also announced here once it commits (a request served next never sees a kept answer).
   */
  async signalChange(channel: string): Promise<void> {
    await this.execute("SELECT pg_notify(?, '')", [channel]);
    if (this.signals === null) announceLocalChange(channel);
    else this.signals.add(channel);
  }

  async tableExists(table: string): Promise<boolean> {
    const row = await this.fetchOne(
      `SELECT 1 AS found FROM information_schema.tables
        WHERE table_schema = current_schema() AND table_name = ?`,
      [table],
    );
    return row !== null;
  }

  async listTables(): Promise<string[]> {
    const rows = await this.fetchAll<{ name: string }>(
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name COLLATE \"C\"",
    );
    return rows.map((r) => r.name);
  }

  /*
   * A BIGSERIAL's sequence does not move when ids are inserted explicitly: set it past the
   * highest stored id (or back to its start on an empty table), or the next insert collides.
   */
  async resetIdentity(table: string, column: string): Promise<void> {
    const t = sql.ident(table);
    const c = sql.ident(column);
    await this.execute(
      sql`SELECT setval(pg_get_serial_sequence(${table}, ${column}), COALESCE((SELECT MAX(${c}) FROM ${t}), 1), (SELECT MAX(${c}) FROM ${t}) IS NOT NULL)`,
    );
  }

  poolStats(): PoolStats {
    return this.context.stats();
  }

  #statement(
    query: QueryInput,
    params: readonly SqlParam[] | undefined,
    arrays = false,
  ): Promise<DriverResult> {
    let pending: PromiseLike<DriverResult>;
    try {
      const prepared = prepareQuery(query, params, "postgres");
      // The driver reads the values only when it sends the statement, which may be after the
      // caller changed its array: a text query's own array is copied (a rendered sql tag's
      // values already are a copy).
      const values = prepared.values === params ? params.slice() : prepared.values;
      pending = this.run(prepared.text, values as unknown[], this.#options(arrays));
    } catch (error) {
      return Promise.reject(wrapPostgresError(error, this.context.secrets));
    }
    return new Promise<DriverResult>((resolve, reject) => {
      pending.then(resolve, (error: unknown) => reject(wrapPostgresError(error, this.context.secrets)));
    });
  }

  // simple: false even without parameters, so one call never runs several statements.
  #options(arrays: boolean): DriverQueryOptions {
    if (arrays) return this.context.prepare ? PREPARED_ARRAYS : UNPREPARED_ARRAYS;
    return this.context.prepare ? PREPARED : UNPREPARED;
  }
}

// Shared by every call: the driver copies the options it is given.
const PREPARED: DriverQueryOptions = Object.freeze({ prepare: true, simple: false });
const UNPREPARED: DriverQueryOptions = Object.freeze({ prepare: false, simple: false });
const PREPARED_ARRAYS: DriverQueryOptions = Object.freeze({ prepare: true, simple: false, arrays: true });
const UNPREPARED_ARRAYS: DriverQueryOptions = Object.freeze({ prepare: false, simple: false, arrays: true });

function toExecuteResult(result: DriverResult): ExecuteResult {
  return { rowCount: result.count ?? 0 };
}

function firstRow(result: DriverResult): Row | null {
  return result[0] ?? null;
}

function asDriverRow(params: readonly SqlParam[]): readonly SqlParam[] {
  return params;
}
