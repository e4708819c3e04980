import type { SqlParam } from "../sql/index.ts";
import type { ExecuteResult, PoolStats, QueryInput, Row, RowSet } from "./database-backend.ts";
import { DatabaseBackend } from "./database-backend.ts";

/**
 * A transaction in which a nested `transaction()` joins the outer one instead of opening a
 * savepoint. For callers like the service's `change`, where any failure inside the work ends the whole
 * transaction in a rollback (nothing catches an inner failure and carries on), so a savepoint
 * could never be rolled back to on its own, and on PostgreSQL it costs two round trips
 * (SAVEPOINT, RELEASE) per change, on SQLite two statements.
 */
export class JoinedTransaction extends DatabaseBackend {
  readonly #tx: DatabaseBackend;

  constructor(tx: DatabaseBackend) {
    super();
    this.#tx = tx;
  }

  get backendName(): DatabaseBackend["backendName"] {
    return this.#tx.backendName;
  }

  get capabilities(): DatabaseBackend["capabilities"] {
    return this.#tx.capabilities;
  }

  execute(query: QueryInput, params?: readonly SqlParam[]): Promise<ExecuteResult> {
    return this.#tx.execute(query, params);
  }

  executeMany(query: string, paramsSeq: readonly (readonly SqlParam[])[]): Promise<ExecuteResult> {
    return this.#tx.executeMany(query, paramsSeq);
  }

  fetchOne<T = Row>(query: QueryInput, params?: readonly SqlParam[]): Promise<T | null> {
    return this.#tx.fetchOne<T>(query, params);
  }

  fetchAll<T = Row>(query: QueryInput, params?: readonly SqlParam[]): Promise<T[]> {
    return this.#tx.fetchAll<T>(query, params);
  }

  transaction<T>(fn: (tx: DatabaseBackend) => Promise<T>): Promise<T> {
    return fn(this);
  }

  executeScript(text: string): Promise<void> {
    return this.#tx.executeScript(text);
  }

  lockForMigration(): Promise<void> {
    return this.#tx.lockForMigration();
  }

  insertRows(table: string, columns: readonly string[], records: readonly Row[]): Promise<void> {
    return this.#tx.insertRows(table, columns, records);
  }

  insertRowSets(sets: readonly RowSet[]): Promise<void> {
    return this.#tx.insertRowSets(sets);
  }

  signalChange(channel: string): Promise<void> {
    return this.#tx.signalChange(channel);
  }

  tableExists(table: string): Promise<boolean> {
    return this.#tx.tableExists(table);
  }

  poolStats(): PoolStats {
    return this.#tx.poolStats();
  }

  listTables(): Promise<string[]> {
    return this.#tx.listTables();
  }

  resetIdentity(table: string, column: string): Promise<void> {
    return this.#tx.resetIdentity(table, column);
  }

  close(): Promise<void> {
    return this.#tx.close();
  }
}
