import { StorageError } from "../../errors/index.ts";
import * as kinds from "../driver-errors.ts";
import { DriverError } from "../driver-errors.ts";
import * as faults from "../storage-faults.ts";

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

/*
 * Faults of the storage that no retry fixes, by SQLite's primary result code (an extended code
 * such as SQLITE_IOERR_WRITE starts with its primary one). SQLITE_BUSY and SQLITE_LOCKED stay
 * transient: another connection lets go soon.
 */
const SQLITE_PERMANENT: readonly [string, string][] = [
  ["SQLITE_READONLY", faults.READ_ONLY],
  ["SQLITE_FULL", faults.DISK_FULL],
  ["SQLITE_IOERR", faults.IO_ERROR],
  ["SQLITE_CANTOPEN", faults.CANNOT_OPEN],
  ["SQLITE_CORRUPT", faults.CORRUPT],
  ["SQLITE_NOTADB", faults.CORRUPT],
];

function kindOfSqliteCode(code: string | undefined): string {
  if (code === undefined) return kinds.QUERY_FAILED;
  const exact = SQLITE_KINDS[code];
  if (exact !== undefined) return exact;
  for (const [prefix, kind] of SQLITE_PERMANENT) {
    if (code === prefix || code.startsWith(`${prefix}_`)) return kind;
  }
  return kinds.QUERY_FAILED;
}
