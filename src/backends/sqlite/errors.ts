import { StorageError } from "../../errors/index.ts";
import {
  CHECK_VIOLATION,
  DATABASE_BUSY,
  DriverError,
  FOREIGN_KEY_VIOLATION,
  NOT_NULL_VIOLATION,
  QUERY_FAILED,
  UNIQUE_VIOLATION,
} from "../driver-errors.ts";

/** Wraps whatever the SQLite driver threw; SQLite's extended code stays on `driverCode`. */
export function wrapSqliteError(error: unknown, context?: string): StorageError {
  if (error instanceof StorageError) return error;
  const raw = (error as { code?: unknown } | null)?.code;
  const driverCode = typeof raw === "string" ? raw : undefined;
  const detail = error instanceof Error ? error.message : String(error);
  const message = context === undefined ? `SQLite: ${detail}` : `${context}: ${detail}`;
  return new DriverError(message, { code: kindOfSqliteCode(driverCode), driverCode, cause: error });
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

function kindOfSqliteCode(code: string | undefined): string {
  return (code !== undefined && SQLITE_KINDS[code]) || QUERY_FAILED;
}
