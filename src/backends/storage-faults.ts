import { StorageError } from "../errors/index.ts";

/*
 * Faults of the storage itself that no retry fixes: someone has to free the disk, make the file
 * writable again or restore it. They are StorageErrors like any other driver failure, with one of
 * these kinds as `code`, so the service can say what is wrong instead of "try again later".
 */
export const READ_ONLY = "DATABASE_READ_ONLY";
export const DISK_FULL = "DATABASE_DISK_FULL";
export const IO_ERROR = "DATABASE_IO_ERROR";
export const CANNOT_OPEN = "DATABASE_CANNOT_OPEN";
export const CORRUPT = "DATABASE_CORRUPT";

/** What each permanent kind means, for clients and operators (no file names: clients see it). */
const CAUSES: Record<string, string> = {
  [READ_ONLY]: "the database is read-only",
  [DISK_FULL]: "the disk holding the database is full",
  [IO_ERROR]: "the database file cannot be read or written (I/O error)",
  [CANNOT_OPEN]: "the database file cannot be opened",
  [CORRUPT]: "the database file is damaged",
};

export function isPermanentFault(error: unknown): error is StorageError {
  return error instanceof StorageError && Object.hasOwn(CAUSES, error.code);
}

/** One sentence naming the cause of a permanent fault; null for anything else. */
export function permanentFaultCause(error: unknown): string | null {
  return isPermanentFault(error) ? (CAUSES[error.code] as string) : null;
}
