/**
 * `bun run bench --scale`: on each backend, one freshly migrated database grown to each size in
 * turn (10k, 100k, 1M scans; rows made in SQL, see scale-data.ts), and at each size every read of
 * scale-reads.ts timed through the repositories: ms per call, the median of `rounds` rounds (each
 * round runs every read once, in an order that rotates, after two untimed warm-up rounds). The
 * growth factor is the largest size's figure over the smallest's; the target is ×2 at most.
 */
import type { DatabaseBackend } from "../../src/backends/database-backend.ts";
import type { BenchBackend } from "../options.ts";
import { freshPlace, openOurs } from "../setup.ts";
import { summarize } from "../stats.ts";
import { rotated } from "../suite.ts";
import { growTo } from "./scale-data.ts";
import { scaleReads } from "./scale-reads.ts";

export const SCALE_SIZES = [10_000, 100_000, 1_000_000] as const;
/** The growth a read may show from the smallest size to the largest. */
export const SCALE_GROWTH_LIMIT = 2;
/** Untimed rounds first at each size: JIT, statement caches and the database's own caches. */
const WARM_UP_ROUNDS = 2;

export interface ScaleOptions {
  backends: readonly BenchBackend[];
  sizes: readonly number[];
  rounds: number;
  /** Calls per read per round (slow reads make fewer, see ScaleRead.calls). */
  calls: number;
  postgresAdminUrl: string;
  log: (line: string) => void;
}

export interface ScaleReadResult {
  id: string;
  route: string;
  linear: boolean;
  /** Median ms per call at each size, in the order of `sizes`. */
  msPerCall: number[];
  /** Per size: the rounds' ms per call. */
  samples: number[][];
  /** What one call read (rows, or a count), per size: a filter that matched nothing shows here. */
  read: number[];
  growth: number;
}

export interface ScaleResult {
  backend: BenchBackend;
  sizes: number[];
  /** Seconds the database took to grow to each size (from the previous one). */
  buildSeconds: number[];
  reads: ScaleReadResult[];
}

async function timeRound(read: {
  calls: number;
  run(k: number): Promise<number>;
}): Promise<{ ms: number; read: number }> {
  let last = 0;
  const t0 = performance.now();
  for (let k = 0; k < read.calls; k++) last = await read.run(k);
  return { ms: (performance.now() - t0) / read.calls, read: last };
}

async function measureAt(
  db: DatabaseBackend,
  size: number,
  options: ScaleOptions,
): Promise<Map<string, { route: string; linear: boolean; samples: number[]; read: number }>> {
  const reads = scaleReads(db, size, options.calls);
  const out = new Map<string, { route: string; linear: boolean; samples: number[]; read: number }>();
  for (const r of reads) out.set(r.id, { route: r.route, linear: r.linear === true, samples: [], read: 0 });
  for (let round = -WARM_UP_ROUNDS; round < options.rounds; round++) {
    for (const r of rotated(reads, round)) {
      const { ms, read } = await timeRound(r);
      if (round < 0) continue;
      const entry = out.get(r.id)!;
      entry.samples.push(ms);
      entry.read = read;
    }
  }
  return out;
}

export async function runScale(options: ScaleOptions): Promise<ScaleResult[]> {
  const results: ScaleResult[] = [];
  const sizes = [...options.sizes].sort((a, b) => a - b);
  for (const backend of options.backends) {
    const place = await freshPlace(backend, "scale", options.postgresAdminUrl);
    try {
      const db = await openOurs(backend, place, 2, 1);
      try {
        const buildSeconds: number[] = [];
        const perRead = new Map<string, ScaleReadResult>();
        let have = 0;
        for (const size of sizes) {
          const t0 = performance.now();
          await growTo(db, have + 1, size);
          have = size;
          buildSeconds.push((performance.now() - t0) / 1000);
          options.log(
            `  ${backend}: ${size.toLocaleString("en-US")} scans (built in ${buildSeconds.at(-1)!.toFixed(1)} s), timing reads`,
          );
          for (const [id, m] of await measureAt(db, size, options)) {
            let entry = perRead.get(id);
            if (!entry) {
              entry = {
                id,
                route: m.route,
                linear: m.linear,
                msPerCall: [],
                samples: [],
                read: [],
                growth: 0,
              };
              perRead.set(id, entry);
            }
            entry.msPerCall.push(summarize(m.samples).median);
            entry.samples.push(m.samples);
            entry.read.push(m.read);
          }
        }
        const reads = [...perRead.values()];
        for (const r of reads) r.growth = (r.msPerCall.at(-1) as number) / (r.msPerCall[0] as number);
        results.push({ backend, sizes, buildSeconds, reads });
      } finally {
        await db.close();
      }
    } finally {
      await place.dispose();
    }
  }
  return results;
}
