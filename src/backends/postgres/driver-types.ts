/*
 * The slice of the postgres.js API this backend uses, declared structurally so that only
 * load-driver.ts names the package (and only for types) while everything else stays testable
 * against these shapes.
 */

/** A result: rows (an Array subclass in the driver) plus the command tag's count. */
export interface DriverResult extends ReadonlyArray<Record<string, unknown>> {
  readonly count: number | null;
  readonly command: string;
  /** Set on results of the extended protocol (every statement but a simple-protocol script). */
  readonly columns?: readonly DriverColumn[];
}

export interface DriverQueryOptions {
  prepare?: boolean;
  simple?: boolean;
  /**
   * Ours, not the driver's (it ignores the key): rows come back as arrays of values, in column
   * order, with the result's `columns` naming them (the driver's `values()`). See sendQuery.
   */
  arrays?: boolean;
}

/** A result column as the driver describes it. */
export interface DriverColumn {
  readonly name: string;
}

/** What runs statements: the pool itself, a transaction or a savepoint. */
export interface DriverHandle {
  unsafe(text: string, params?: unknown[], options?: DriverQueryOptions): Promise<DriverResult>;
}

export interface DriverTransaction extends DriverHandle {
  savepoint<T>(fn: (tx: DriverTransaction) => Promise<T>): Promise<T>;
}

/** A connection taken out of the pool (`sql.reserve()`) until `release`. */
export interface DriverReserved extends DriverHandle {
  release(): void;
}

export interface DriverPool extends DriverHandle {
  begin<T>(fn: (tx: DriverTransaction) => Promise<T>): Promise<T>;
  reserve(): Promise<DriverReserved>;
  end(options?: { timeout?: number }): Promise<void>;
}

/** A server NOTICE/WARNING as the driver reports it. */
export interface DriverNotice {
  severity?: string;
  code?: string;
  message?: string;
}
