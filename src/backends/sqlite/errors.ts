import { StorageError } from "../../errors/index.ts";
import * as kinds from "../driver-errors.ts";
import { DriverError } from "../driver-errors.ts";

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
  SQLITE_CONSTRAINT_PRIMARYKEY: kinds.UNIQUE_VIOLATION,
  SQLITE_CONSTRAINT_UNIQUE: kinds.UNIQUE_VIOLATION,
  SQLITE_CONSTRAINT_FOREIGNKEY: kinds.FOREIGN_KEY_VIOLATION,
  SQLITE_CONSTRAINT_NOTNULL: kinds.NOT_NULL_VIOLATION,
  SQLITE_CONSTRAINT_CHECK: kinds.CHECK_VIOLATION,
  SQLITE_BUSY: kinds.DATABASE_BUSY,
  SQLITE_BUSY_SNAPSHOT: kinds.DATABASE_BUSY,
  SQLITE_BUSY_RECOVERY: kinds.DATABASE_BUSY,
  SQLITE_LOCKED: kinds.DATABASE_BUSY,
};

function kindOfSqliteCode(code: string | undefined): string {
  return (code !== undefined && SQLITE_KINDS[code]) || kinds.QUERY_FAILED;
}
