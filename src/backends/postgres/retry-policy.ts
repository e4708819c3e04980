import { driverCodeOf } from "./errors.ts";

/*
 * When a pooled statement may run again on a fresh connection after its connection died.
 * After a server restart or pg_terminate_backend, the pool still holds the dead sockets until
 * their close events are processed, and the next statements are handed to them; they fail
 * without having run:
 *  - the connection never reached the server (refused, unresolved, timed out connecting);
 *  - the server ended the session (57P01/57P02/57P03): a terminated backend rolls back what it
 *    was running, and an idle one never read the statement;
 *  - the socket was reset or closed under the statement: the backend was gone when it arrived.
 * The last case is ambiguous in one narrow window (the server crashes after committing an
 * auto-commit statement and before its reply leaves), where a retried write could apply twice;
 * rows with their own ids then fail as a conflict. Reporting every lost connection instead would fail
 * the first requests after each database restart.
 * Statements inside a transaction are never retried: the transaction died with its connection.
 */

const RETRYABLE = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "CONNECT_TIMEOUT",
  "57P01",
  "57P02",
  "57P03",
  "CONNECTION_CLOSED",
  "ECONNRESET",
  "EPIPE",
]);

/** Attempts after the first: dead pooled sockets are noticed together, so a few suffice. */
export const MAX_RETRIES = 3;

/**
 * No retry starts once this long has passed since the first attempt: dead sockets are noticed
 * within milliseconds, so a later failure means the server is away, and the caller is better
 * answered at once (a 503 within the service's 3 s bound) than after more connect timeouts.
 */
export const RETRY_BUDGET_MS = 500;

/** Whether a failed statement gets another attempt (see above). */
export function mayRetry(error: unknown, attempt: number, startedAt: number): boolean {
  return attempt < MAX_RETRIES && performance.now() - startedAt < RETRY_BUDGET_MS && isSafeToRetry(error);
}

export function isSafeToRetry(error: unknown): boolean {
  const code = driverCodeOf(error);
  return code !== undefined && RETRYABLE.has(code);
}

/** A short pause that lets the event loop process the close events of the other dead sockets. */
export function retryDelayMs(attempt: number): number {
  return 10 * 2 ** attempt;
}

/** A duplicate key (SQLSTATE 23505), as the driver reports it before it is wrapped. */
export function isDuplicateKey(error: unknown): boolean {
  return driverCodeOf(error) === "23505";
}
