import { StorageError } from "../../errors/index.ts";
import type { SqlParam } from "../../sql/index.ts";
import {
  DatabaseBackend,
  type ExecuteResult,
  type PoolStats,
  type QueryInput,
  type Row,
} from "../database-backend.ts";
import type { DriverQueryOptions, DriverResult, DriverTransaction } from "./driver-types.ts";
import { runBatch } from "./execute-many.ts";
import { wrapPostgresError } from "./postgres-errors.ts";
import { prepareBatch, prepareQuery } from "./prepare-query.ts";

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
  protected readonly context: SessionContext;

  protected constructor(context: SessionContext) {
    super();
    this.context = context;
  }

  /** Sends one statement (or, with `simple`, a script). Errors come back as the driver raised them. */
  protected abstract run(text: string, values: unknown[], options: DriverQueryOptions): Promise<DriverResult>;

  /** Runs `work` all-or-nothing: a transaction on the pool, a savepoint inside a transaction. */
  protected abstract atomically<T>(work: (tx: DriverTransaction) => Promise<T>): Promise<T>;

  /** A session bound to a transaction the driver has opened. */
  protected abstract openTransaction(tx: DriverTransaction): PostgresSession & { finish(): void };

  async execute(query: QueryInput, params?: readonly SqlParam[]): Promise<ExecuteResult> {
    const result = await this.#statement(query, params);
    return { rowCount: result.count ?? 0 };
  }

  async fetchOne<T = Row>(query: QueryInput, params?: readonly SqlParam[]): Promise<T | null> {
    const result = await this.#statement(query, params);
    return (result[0] as T | undefined) ?? null;
  }

  async fetchAll<T = Row>(query: QueryInput, params?: readonly SqlParam[]): Promise<T[]> {
    const result = await this.#statement(query, params);
    // The driver's array carries count/command/columns/statement; callers get a plain array.
    return Array.from(result) as T[];
  }

  async executeMany(query: string, paramsSeq: readonly (readonly SqlParam[])[]): Promise<ExecuteResult> {
    const batch = prepareBatch(query, paramsSeq);
    if (batch.rows.length === 0) return { rowCount: 0 };
    try {
      const rowCount = await this.atomically((tx) =>
        runBatch(tx, batch.source, batch.text, batch.rows, this.context.prepare),
      );
      return { rowCount };
    } catch (error) {
      throw wrapPostgresError(error, this.context.secrets);
    }
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
    try {
      return await this.atomically(async (driverTx) => {
        const tx = this.openTransaction(driverTx);
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
  }

  poolStats(): PoolStats {
    return this.context.stats();
  }

  async #statement(query: QueryInput, params: readonly SqlParam[] | undefined): Promise<DriverResult> {
    const { text, values } = prepareQuery(query, params);
    try {
      // simple: false even without parameters, so one call never runs several statements.
      return await this.run(text, values, { prepare: this.context.prepare, simple: false });
    } catch (error) {
      throw wrapPostgresError(error, this.context.secrets);
    }
  }
}
