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

/** True for a duplicate primary key or unique constraint on either backend. */
export function isUniqueViolation(error: unknown): boolean {
  return error instanceof StorageError && error.code === UNIQUE_VIOLATION;
}

export function isForeignKeyViolation(error: unknown): boolean {
  return error instanceof StorageError && error.code === FOREIGN_KEY_VIOLATION;
}
