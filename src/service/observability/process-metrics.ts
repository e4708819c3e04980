import { collectDefaultMetrics, Registry } from "prom-client";

let shared: Registry | undefined;

/**
 * prom-client's default process metrics (CPU, resident memory, heap, open files, event-loop
 * lag), in one registry per process: they describe the process, however many services it
 * runs, and each collection starts an event-loop delay monitor that is never stopped.
 * Under Bun these report real values; the GC-duration series is absent (Bun has no GC
 * performance entries).
 */
export function processMetrics(): Registry {
  if (shared === undefined) {
    shared = new Registry();
    collectDefaultMetrics({ register: shared });
  }
  return shared;
}
