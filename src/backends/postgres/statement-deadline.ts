import { DriverError, QUERY_FAILED } from "../driver-errors.ts";
import type { DriverResult } from "./driver-types.ts";

/*
 * The statement timeout for auto-commit statements where the session cannot carry it: PgBouncer
 * refuses `statement_timeout` as a startup parameter (08P01) or drops it when told to ignore it,
 * and a session-level SET would stay behind on whichever server connection ran it. Transactions
 * get `SET LOCAL` with their BEGIN instead (reserved-transaction.ts). A statement still running
 * at the deadline is cancelled with a CancelRequest, which PgBouncer forwards to the server
 * connection its client is using; one still queued in the driver is dropped without being sent.
 */

/** The driver's lazy query: `then` sends it; `canceller` is its (internal) way to cancel. */
interface CancellableQuery extends PromiseLike<DriverResult> {
  canceller?: ((query: unknown) => Promise<void> | undefined) | null;
}

export function withStatementDeadline(
  query: PromiseLike<DriverResult>,
  timeoutMs: number,
): Promise<DriverResult> {
  let expired = false;
  const timer = setTimeout(() => {
    expired = true;
    cancelQuietly(query as CancellableQuery);
  }, timeoutMs);
  return new Promise<DriverResult>((resolve, reject) => {
    query.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(expired && codeOf(error) === "57014" ? timedOut(error, timeoutMs) : error);
      },
    );
  });
}

/**
 * `query.cancel()` drops the promise of the cancel request, which rejects when the cancel
 * connection fails (the pooler is down): an unhandled rejection. The canceller it calls is used
 * directly so that failure is caught; a cancel that does not arrive leaves the statement to run on.
 */
function cancelQuietly(query: CancellableQuery): void {
  const cancel = query.canceller;
  if (typeof cancel !== "function") return;
  query.canceller = null;
  try {
    cancel(query)?.catch(() => {});
  } catch {
    // Nothing to cancel any more.
  }
}

function timedOut(error: unknown, timeoutMs: number): DriverError {
  return new DriverError(
    `PostgreSQL: canceling statement due to statement timeout (${timeoutMs} ms, MALWAR_POSTGRES_STATEMENT_TIMEOUT)`,
    { code: QUERY_FAILED, driverCode: "57014", cause: error },
  );
}

function codeOf(error: unknown): unknown {
  return (error as { code?: unknown } | null)?.code;
}
