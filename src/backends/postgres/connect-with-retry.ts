import { redactSecrets, StorageError } from "../../errors/index.ts";
import { driverCodeOf, isConnectionFailure } from "./errors.ts";
import { isPoolerRefusal } from "./session-route.ts";

/*
 * compose starts the service and its database together, so the first connection is retried
 * with backoff for `connectTimeout` seconds. Wrong credentials or a missing database will not
 * fix themselves: those fail at once.
 */

const FIRST_DELAY_MS = 100;
const MAX_DELAY_MS = 2_000;

export interface ConnectTarget {
  /** host:port/database, as the message names it (never the password). */
  where: string;
  secrets: readonly string[];
}

export async function connectWithRetry<T>(
  attempt: () => Promise<T>,
  timeoutSeconds: number,
  target: ConnectTarget,
): Promise<T> {
  const deadline = performance.now() + timeoutSeconds * 1000;
  let delay = FIRST_DELAY_MS;
  let attempts = 0;
  for (;;) {
    attempts++;
    try {
      return await attempt();
    } catch (error) {
      const remaining = deadline - performance.now();
      if (!isTransient(error) || remaining <= 0) throw startFailure(error, attempts, timeoutSeconds, target);
      await Bun.sleep(Math.min(delay, remaining));
      delay = Math.min(delay * 2, MAX_DELAY_MS);
    }
  }
}

/** Failures a database that is still starting (or briefly unreachable) produces. */
function isTransient(error: unknown): boolean {
  const code = driverCodeOf(error);
  // 28xxx: authentication; 3D000: no such database. Retrying cannot help those.
  if (code !== undefined && (code.startsWith("28") || code === "3D000")) return false;
  if (isPoolerRefusal(error)) return false;
  return isConnectionFailure(error);
}

function startFailure(
  error: unknown,
  attempts: number,
  timeoutSeconds: number,
  target: ConnectTarget,
): StorageError {
  const reason = error instanceof Error ? error.message : String(error);
  const code = driverCodeOf(error);
  const tried =
    isTransient(error) && attempts > 1
      ? ` after ${attempts} attempts over ${timeoutSeconds}s (MALWAR_POSTGRES_CONNECT_TIMEOUT)`
      : "";
  return new StorageError(
    redactSecrets(
      `Could not connect to PostgreSQL at ${target.where}${tried}: ${reason}${code && !reason.includes(code) ? ` [${code}]` : ""}`,
      target.secrets,
    ),
    { code: "CONNECTION_FAILED", cause: error },
  );
}
