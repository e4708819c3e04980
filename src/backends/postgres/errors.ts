import { redactSecrets, StorageError } from "../../errors/index.ts";
import * as kinds from "../driver-errors.ts";
import { DriverError } from "../driver-errors.ts";

/** The connection itself failed (as opposed to the statement): reported as one kind. */
export const CONNECTION_FAILED = "CONNECTION_FAILED";

// Codes postgres.js and the socket layer use when the connection, not the statement, failed.
const CONNECTION_CODES = new Set([
  "CONNECTION_CLOSED",
  "CONNECTION_DESTROYED",
  "CONNECTION_ENDED",
  "CONNECT_TIMEOUT",
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ETIMEDOUT",
]);

export function driverCodeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/** A SQLSTATE: five characters, digits and upper-case letters. */
function isSqlState(code: string | undefined): code is string {
  return code !== undefined && /^[0-9A-Z]{5}$/.test(code);
}

export function isConnectionFailure(error: unknown): boolean {
  const code = driverCodeOf(error);
  if (code === undefined) return false;
  // 57P0x: the server ended the session (shutdown, crash, start-up); 08xxx: connection exceptions.
  return CONNECTION_CODES.has(code) || code.startsWith("57P0") || code.startsWith("08");
}

/**
 * Wraps a driver error in a StorageError whose `code` is the shared kind (kinds.UNIQUE_VIOLATION, …)
 * and whose `driverCode` is the SQLSTATE or the driver's own code. `secrets` are cut out of the
 * message: the driver's messages can quote a connection string.
 */
export function wrapPostgresError(error: unknown, secrets: readonly string[] = []): StorageError {
  if (error instanceof StorageError) return error;
  const driverCode = driverCodeOf(error);
  const raw = error instanceof Error ? error.message : String(error);
  const detail = (error as { detail?: unknown } | null)?.detail;
  const text = typeof detail === "string" && detail !== "" ? `${raw} (${detail})` : raw;
  const message = redactSecrets(`PostgreSQL: ${text}`, secrets);
  const code = isConnectionFailure(error)
    ? CONNECTION_FAILED
    : isSqlState(driverCode)
      ? kindOfSqlState(driverCode)
      : kindOfSqlState(undefined);
  return new DriverError(message, { code, driverCode, cause: error });
}

const SQLSTATE_KINDS: Record<string, string> = {
  "23505": kinds.UNIQUE_VIOLATION,
  "23503": kinds.FOREIGN_KEY_VIOLATION,
  "23502": kinds.NOT_NULL_VIOLATION,
  "23514": kinds.CHECK_VIOLATION,
  "40001": kinds.DATABASE_BUSY,
  "40P01": kinds.DATABASE_BUSY,
  "55P03": kinds.DATABASE_BUSY,
};

function kindOfSqlState(state: string | undefined): string {
  return (state !== undefined && SQLSTATE_KINDS[state]) || kinds.QUERY_FAILED;
}
