/**
 * Polls GET /api/v1/health and /api/v1/ready during a fault run, recording status, latency and
 * what health says about the database, so a run can check liveness and readiness apart.
 */
export interface ProbeRecord {
  /** ms on the caller's clock (`clock()`) */
  at: number;
  path: "health" | "ready";
  status: number;
  ms: number;
  /** health's `database` field ("up" | "down"), if any */
  database?: string;
}

export interface RunningProbes {
  stop(): Promise<ProbeRecord[]>;
}

export function startProbes(baseUrl: string, clock: () => number, intervalMs = 200): RunningProbes {
  const records: ProbeRecord[] = [];
  let stopped = false;
  async function poll(path: "health" | "ready"): Promise<void> {
    for (let i = 0; !stopped && i < 10_000; i++) {
      const at = clock();
      const t0 = performance.now();
      let status = 0;
      let database: string | undefined;
      try {
        const res = await fetch(`${baseUrl}/api/v1/${path}`, { signal: AbortSignal.timeout(10_000) });
        status = res.status;
        const body = (await res.json()) as { database?: unknown };
        if (typeof body.database === "string") database = body.database;
      } catch {
        status = 0;
      }
      records.push({ at, path, status, ms: performance.now() - t0, ...(database ? { database } : {}) });
      await Bun.sleep(intervalMs);
    }
  }
  const loops = [poll("health"), poll("ready")];
  return {
    async stop() {
      stopped = true;
      await Promise.all(loops);
      return records;
    },
  };
}
