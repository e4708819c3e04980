import type { DatabaseHealthCheck } from "./database-health.ts";
import { HttpError } from "./http-error.ts";

/**
 * A request still running after this long asks whether the database answers at all.
 * With the probe's own bound below, a request is answered within 2.5 s when it does not.
 */
export const STORAGE_DEADLINE_MS = 2_000;
const PROBE_MS = 500;

/**
 * Bounds how long a request waits on a database that has stopped answering. A server that is
 * frozen or behind a network partition accepts nothing and refuses nothing, so statements on
 * its open connections wait on TCP for minutes; no driver timeout fires (statement_timeout is
 * the server's own). Past STORAGE_DEADLINE_MS the request probes the database (GET /health's
 * check, shared by concurrent callers): if it does not answer within PROBE_MS the client gets a
 * 503 now, while the work goes on in the background and settles however the database lets it
 * (a write answered 503 may still commit: 503 promises nothing either way). A database that
 * answers the probe is only slow, and the request keeps waiting for its statement_timeout.
 */
export function withinStorageDeadline(
  work: Promise<Response>,
  health: DatabaseHealthCheck,
): Promise<Response> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<"late">((resolve) => {
    timer = setTimeout(() => resolve("late"), STORAGE_DEADLINE_MS);
  });
  return Promise.race([work, late]).then(async (first) => {
    clearTimeout(timer);
    if (first !== "late") return first;
    const probing = health.check(PROBE_MS).then((h) => h.database);
    const next = await Promise.race([work, probing]);
    if (next instanceof Response) return next;
    if (next === "up") return work;
    // The background work's own failure is the database's; it must not surface as unhandled.
    work.catch(() => {});
    throw new HttpError(503, "STORAGE_UNAVAILABLE", "The database is not answering; try again later.");
  });
}
