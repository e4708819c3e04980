import type { DriverPool } from "./driver-types.ts";

/**
 * Opens `count` connections of a driver pool. postgres.js has no minimum size and opens a
 * connection per query while it has unopened slots and no idle connection, so `count` concurrent
 * trivial queries on a pool of exactly `count` slots leave all of them open.
 */
export async function warmConnections(pool: DriverPool, count: number): Promise<void> {
  const pings: Promise<unknown>[] = [];
  for (let i = 0; i < count; i++) pings.push(pool.unsafe("select 1", [], { simple: true }));
  const results = await Promise.allSettled(pings);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) throw failed.reason;
}
