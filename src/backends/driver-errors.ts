import { StorageError } from "../errors/index.ts";

/*
 * The one vocabulary both backends use for driver failures, so repositories can tell a duplicate
 * key (-> ConflictError) from a broken database without knowing which driver raised it.
 * `code` is the generic kind; `driverCode` keeps what the driver said (SQLite's extended code such
 * as `SQLITE_CONSTRAINT_PRIMARYKEY`, or PostgreSQL's SQLSTATE such as `23505`).
 */

export const UNIQUE_VIOLATION = "UNIQUE_VIOLATION";
export const FOREIGN_KEY_VIOLATION = "FOREIGN_KEY_VIOLATION";
export const NOT_NULL_VIOLATION = "NOT_NULL_VIOLATION";
export const CHECK_VIOLATION = "CHECK_VIOLATION";
export const DATABASE_BUSY = "DATABASE_BUSY";
export const QUERY_FAILED = "QUERY_FAILED";

/** A StorageError raised by a database driver; `cause` is the driver's own error. */
export class DriverError extends StorageError {
  override readonly name: string = "StorageError";
  readonly driverCode: string | undefined;

  constructor(message: string, options: { code: string; driverCode?: string | undefined; cause: unknown }) {
    super(message, { code: options.code, cause: options.cause });
    this.driverCode = options.driverCode;
  }
}

const SQLITE_KINDS: Record<string, string> = {
  SQLITE_CONSTRAINT_PRIMARYKEY: UNIQUE_VIOLATION,
  SQLITE_CONSTRAINT_UNIQUE: UNIQUE_VIOLATION,
  SQLITE_CONSTRAINT_FOREIGNKEY: FOREIGN_KEY_VIOLATION,
  SQLITE_CONSTRAINT_NOTNULL: NOT_NULL_VIOLATION,
  SQLITE_CONSTRAINT_CHECK: CHECK_VIOLATION,
  SQLITE_BUSY: DATABASE_BUSY,
  SQLITE_BUSY_SNAPSHOT: DATABASE_BUSY,
  SQLITE_BUSY_RECOVERY: DATABASE_BUSY,
  SQLITE_LOCKED: DATABASE_BUSY,
};

const SQLSTATE_KINDS: Record<string, string> = {
  "23505": UNIQUE_VIOLATION,
  "23503": FOREIGN_KEY_VIOLATION,
  "23502": NOT_NULL_VIOLATION,
  "23514": CHECK_VIOLATION,
  "40001": DATABASE_BUSY,
  "40P01": DATABASE_BUSY,
  "55P03": DATABASE_BUSY,
};

export function kindOfSqliteCode(code: string | undefined): string {
  return (code !== undefined && SQLITE_KINDS[code]) || QUERY_FAILED;
}

export function kindOfSqlState(state: string | undefined): string {
  return (state !== undefined && SQLSTATE_KINDS[state]) || QUERY_FAILED;
}

/** True for a duplicate primary key or unique constraint on either backend. */
export function isUniqueViolation(error: unknown): boolean {
  return error instanceof StorageError && error.code === UNIQUE_VIOLATION;
}

export function isForeignKeyViolation(error: unknown): boolean {
  return error instanceof StorageError && error.code === FOREIGN_KEY_VIOLATION;
}
