import type { BackendName } from "../config/index.ts";
import type { SqlParam } from "../sql/index.ts";
import {
  type BackendCapabilities,
  type ChangeHandlers,
  type ChangeWatch,
  DatabaseBackend,
  type ExecuteResult,
  type PoolStats,
  type QueryInput,
  type Row,
  type StorageStats,
} from "./database-backend.ts";

export type BackendOperation =
  | "execute"
  | "executeMany"
  | "fetchOne"
  | "fetchAll"
  | "executeScript"
  | "insertRows"
  | "signalChange"
  | "tableExists"
  | "listTables"
  | "resetIdentity"
  | "transaction";

/** Told of every call once it settles: which member, how long it took, whether it failed. */
export type OperationObserver = (operation: BackendOperation, seconds: number, failed: boolean) => void;

/**
 * A backend that times every statement and transaction of another one, for metrics. It sits at
 * the contract boundary, so it needs to know nothing of either database; a transaction's `tx` is
 * wrapped too, so statements inside transactions are timed like the rest.
 *
 * The caller gets the inner backend's own promise back: timing adds no turn of the event loop to
 * any statement.
 */
export class TimedBackend extends DatabaseBackend {
  readonly #inner: DatabaseBackend;
  readonly #observe: OperationObserver;
  /** The read replica's backend, timed too (made once). */
  #reads: TimedBackend | undefined;

  constructor(inner: DatabaseBackend, observe: OperationObserver) {
    super();
    this.#inner = inner;
    this.#observe = observe;
  }

  get backendName(): BackendName {
    return this.#inner.backendName;
  }

  get capabilities(): BackendCapabilities {
    return this.#inner.capabilities;
  }

  execute(query: QueryInput, params?: readonly SqlParam[]): Promise<ExecuteResult> {
    const start = performance.now();
    return this.#timed("execute", start, this.#inner.execute(query, params));
  }

  executeMany(query: string, paramsSeq: readonly (readonly SqlParam[])[]): Promise<ExecuteResult> {
    const start = performance.now();
    return this.#timed("executeMany", start, this.#inner.executeMany(query, paramsSeq));
  }

  fetchOne<T = Row>(query: QueryInput, params?: readonly SqlParam[]): Promise<T | null> {
    const start = performance.now();
    return this.#timed("fetchOne", start, this.#inner.fetchOne<T>(query, params));
  }

  fetchAll<T = Row>(query: QueryInput, params?: readonly SqlParam[]): Promise<T[]> {
    const start = performance.now();
    return this.#timed("fetchAll", start, this.#inner.fetchAll<T>(query, params));
  }

  executeScript(text: string): Promise<void> {
    const start = performance.now();
    return this.#timed("executeScript", start, this.#inner.executeScript(text));
  }

  transaction<T>(fn: (tx: DatabaseBackend) => Promise<T>): Promise<T> {
    const start = performance.now();
    return this.#timed(
      "transaction",
      start,
      this.#inner.transaction((tx) => fn(new TimedBackend(tx, this.#observe))),
    );
  }

  insertRows(table: string, columns: readonly string[], records: readonly Row[]): Promise<void> {
    const start = performance.now();
    return this.#timed("insertRows", start, this.#inner.insertRows(table, columns, records));
  }

  signalChange(channel: string): Promise<void> {
    const start = performance.now();
    return this.#timed("signalChange", start, this.#inner.signalChange(channel));
  }

  tableExists(table: string): Promise<boolean> {
    const start = performance.now();
    return this.#timed("tableExists", start, this.#inner.tableExists(table));
  }

  listTables(): Promise<string[]> {
    const start = performance.now();
    return this.#timed("listTables", start, this.#inner.listTables());
  }

  resetIdentity(table: string, column: string): Promise<void> {
    const start = performance.now();
    return this.#timed("resetIdentity", start, this.#inner.resetIdentity(table, column));
  }

  lockForMigration(): Promise<void> {
    return this.#inner.lockForMigration();
  }

  poolStats(): PoolStats {
    return this.#inner.poolStats();
  }

  override storageStats(): StorageStats | null {
    return this.#inner.storageStats();
  }

  override forLaggingReads(): DatabaseBackend {
    const reads = this.#inner.forLaggingReads();
    if (reads === this.#inner) return this;
    this.#reads ??= new TimedBackend(reads, this.#observe);
    return this.#reads;
  }

  override readOnlyReason(): Promise<string | null> {
    return this.#inner.readOnlyReason();
  }

  override watchChanges(channel: string, handlers: ChangeHandlers): ChangeWatch | null {
    return this.#inner.watchChanges(channel, handlers);
  }

  override commit(): Promise<void> {
    return this.#inner.commit();
  }

  override checkReady(): Promise<void> {
    return this.#inner.checkReady();
  }

  close(): Promise<void> {
    return this.#inner.close();
  }

  #timed<T>(operation: BackendOperation, start: number, pending: Promise<T>): Promise<T> {
    pending.then(
      () => this.#observe(operation, (performance.now() - start) / 1000, false),
      () => this.#observe(operation, (performance.now() - start) / 1000, true),
    );
    return pending;
  }
}
