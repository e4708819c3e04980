import { StorageError } from "../../errors/index.ts";
import { DriverError, kindOfSqliteCode } from "../driver-errors.ts";
import { permanentKindOfSqliteCode } from "../storage-faults.ts";

/** Wraps whatever the SQLite driver threw; SQLite's extended code stays on `driverCode`. */
export function wrapSqliteError(error: unknown, context?: string): StorageError {
  if (error instanceof StorageError) return error;
  const raw = (error as { code?: unknown } | null)?.code;
  const driverCode = typeof raw === "string" ? raw : undefined;
  const detail = error instanceof Error ? error.message : String(error);
  const message = context === undefined ? `SQLite: ${detail}` : `${context}: ${detail}`;
  return new DriverError(message, {
    code: permanentKindOfSqliteCode(driverCode) ?? kindOfSqliteCode(driverCode),
    driverCode,
    cause: error,
  });
}
