/**
 * Runs W1–W5 for one backend: every workload is run by each contender in turn (raw, ours and any
 * peers), the order rotating from round to round so no side always goes first, for several
 * rounds; rates are kept per round and summarised. Interleaving per workload (not per contender)
 * spreads machine noise over all sides alike.
 */
import type { Contender } from "./contender.ts";
import { makeBulkFindings, makeScans, makeUsage, randomIds } from "./fixtures.ts";
import type { BenchBackend, Counts } from "./options.ts";
import { type Summary, summarize } from "./stats.ts";

export type WorkloadId = "W1" | "W2" | "W3" | "W4" | "W5" | "W5c";

/** raw: the raw driver; ours: the project's repositories; peer: another client doing raw's SQL. */
export type Side = "raw" | "ours" | "peer";

export interface Measurement {
  workload: WorkloadId;
  name: string;
  unit: string;
  /** Contender label plus variant (W2, W4), e.g. "raw · multi-row". */
  contender: string;
  side: Side;
  /** The contender's readable name (a peer's, e.g. "Bun SQL"); absent for raw and ours. */
  title?: string;
  work: number;
  summary: Summary;
}

export interface SuiteResult {
  backend: BenchBackend;
  rounds: number;
  counts: Counts;
  measurements: Measurement[];
  /** The peers that ran (label and readable name), in the order given. */
  peers: { label: string; title: string }[];
  /** Things that disagreed between contenders (row counts, rows read): a sign of unequal work. */
  mismatches: string[];
}

const NAMES: Record<WorkloadId, [string, string]> = {
  W1: ["record scan (1 scan + findings, one tx)", "scans/s"],
  W2: ["get scan by id + findings", "ops/s"],
  W3: ["list recent scans", "ops/s"],
  W4: ["bulk findings, one call", "rows/s"],
  W5: ["api_usage append, sequential", "ops/s"],
  W5c: ["api_usage append, concurrent workers", "ops/s"],
};

function gc(): void {
  Bun.gc(true);
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  gc();
  const t0 = performance.now();
  await fn();
  return (performance.now() - t0) / 1000;
}

export interface SuiteInput {
  backend: BenchBackend;
  counts: Counts;
  rounds: number;
  raw: Contender;
  ours: Contender;
  /** Other clients doing raw's SQL (side "peer"); none by default. */
  peers?: readonly Contender[];
  log: (line: string) => void;
}

/*
 * Each call workload of a round (W1, W2, W3, W5) runs in this many slices, every contender
 * doing its share of a slice in turn (the order rotating per slice) and its time summed over the
 * slices. One contender's whole share took seconds, long enough for the shared machine's load to
 * change between two sides of a round (W1 per-round ours/raw ratios spread 0.54-3.03 in one
 * run); slices put the sides of a ratio within a fraction of a second of each other.
 */
export const SLICES = 10;

/** `items` cut into `n` consecutive parts of near-equal length (none empty unless items is). */
export function slicesOf<T>(items: readonly T[], n: number): T[][] {
  const parts = Math.max(1, Math.min(n, items.length));
  const out: T[][] = [];
  for (let k = 0; k < parts; k++) {
    out.push(
      items.slice(Math.floor((k * items.length) / parts), Math.floor(((k + 1) * items.length) / parts)),
    );
  }
  return out;
}

/** `total` split into `n` near-equal positive counts. */
export function countsOf(total: number, n: number): number[] {
  const parts = Math.max(1, Math.min(n, total));
  return Array.from(
    { length: parts },
    (_, k) => Math.floor(((k + 1) * total) / parts) - Math.floor((k * total) / parts),
  );
}

/** `all` rotated left by `by`: who goes first moves one place each round. */
export function rotated<T>(all: readonly T[], by: number): T[] {
  const k = ((by % all.length) + all.length) % all.length;
  return [...all.slice(k), ...all.slice(0, k)];
}

export async function runSuite(input: SuiteInput): Promise<SuiteResult> {
  const { backend, counts, rounds, raw, ours, log } = input;
  const peers = [...(input.peers ?? [])];
  const all = [raw, ours, ...peers];
  const sideOf = (c: Contender): Side => (c === raw ? "raw" : c === ours ? "ours" : "peer");
  /** The contender's name in tables and checks: its label plus the variant (W2, W4). */
  const who = (c: Contender, variant: string | null) =>
    variant === null ? c.label : `${c.label} · ${variant}`;
  const scans = makeScans(counts.w1Scans, counts.findingsPerScan);
  const scanIds = scans.map((s) => s.id);
  const getIds = randomIds(scanIds, counts.w2Gets);
  const bulk = makeBulkFindings(counts.w4Rows, scanIds[0] as string);
  const usage = makeUsage(counts.w5Appends);
  // W5c runs when raw can do it, for everyone who can.
  const concurrent = raw.appendUsageConcurrent !== undefined;

  const samples = new Map<string, { m: Omit<Measurement, "summary">; rates: number[] }>();
  const record = (
    workload: WorkloadId,
    c: Contender,
    variant: string | null,
    work: number,
    seconds: number,
  ) => {
    const contender = who(c, variant);
    const key = `${workload}|${contender}`;
    let entry = samples.get(key);
    if (!entry) {
      const [name, unit] = NAMES[workload];
      entry = {
        m: { workload, name, unit, contender, side: sideOf(c), work },
        rates: [],
      };
      if (sideOf(c) === "peer") entry.m.title = c.title ?? c.label;
      samples.set(key, entry);
    }
    entry.rates.push(work / seconds);
  };
  const mismatches: string[] = [];
  /** Each entry: who (contender, variant) and what it counted; all must be equal. */
  const agree = (what: string, entries: readonly (readonly [string, number])[]) => {
    const first = entries[0]?.[1];
    if (entries.some(([, v]) => v !== first)) {
      mismatches.push(`${backend} ${what}: ${entries.map(([who, v]) => `${who} ${v}`).join(" vs ")}`);
    }
  };

  // Round 0 warms the JIT, statement caches and pools on a slice of the data; it is not recorded.
  const warm = {
    scans: scans.slice(0, Math.max(20, Math.floor(scans.length / 10))),
    gets: getIds.slice(0, Math.max(200, Math.floor(getIds.length / 10))),
    lists: Math.max(20, Math.floor(counts.w3Lists / 10)),
    bulk: {
      scanId: bulk.scanId,
      rows: bulk.rows.slice(0, Math.max(1000, Math.floor(bulk.rows.length / 10))),
    },
    usage: usage.slice(0, Math.max(200, Math.floor(usage.length / 10))),
  };
  const warmIds = new Set(warm.scans.map((s) => s.id));
  warm.gets = warm.gets.filter((id) => warmIds.has(id));

  for (let round = 0; round <= rounds; round++) {
    const warming = round === 0;
    // Round 1 starts with raw, round 2 with ours, … (with raw + ours alone: raw first in odd rounds).
    const order = rotated(all, round - 1);
    const w1 = warming ? warm.scans : scans;
    const w2 = warming ? warm.gets : getIds;
    const w3 = warming ? warm.lists : counts.w3Lists;
    const w4 = warming ? warm.bulk : bulk;
    const w5 = warming ? warm.usage : usage;
    const keep = (id: WorkloadId, c: Contender, variant: string | null, work: number, s: number) => {
      if (!warming) record(id, c, variant, work, s);
    };
    log(`  ${backend} round ${warming ? "warm-up" : `${round}/${rounds}`}`);

    for (const c of all) await c.reset();

    /**
     * Runs `parts` in turn, every contender (and variant) doing part k before any does part k+1,
     * the order rotating per part; records each one's summed time and returns what each counted.
     */
    const sliced = async <P>(
      id: WorkloadId,
      parts: readonly P[],
      work: number,
      ways: (c: Contender) => readonly (readonly [string | null, (part: P) => Promise<unknown>])[],
    ): Promise<[string, number][]> => {
      const seconds = new Map<string, { c: Contender; variant: string | null; s: number; n: number }>();
      for (let k = 0; k < parts.length; k++) {
        for (const c of rotated(order, k)) {
          for (const [variant, run] of ways(c)) {
            const key = who(c, variant);
            const entry = seconds.get(key) ?? { c, variant, s: 0, n: 0 };
            seconds.set(key, entry);
            entry.s += await timed(async () => {
              const n = await run(parts[k] as P);
              if (typeof n === "number") entry.n += n;
            });
          }
        }
      }
      const counted: [string, number][] = [];
      for (const [key, e] of seconds) {
        keep(id, e.c, e.variant, work, e.s);
        counted.push([key, e.n]);
      }
      return counted;
    };

    await sliced("W1", slicesOf(w1, SLICES), w1.length, (c) => [[null, (part) => c.recordScans(part)]]);
    for (const c of all) await c.analyze();

    agree(
      "W2 findings read",
      await sliced("W2", slicesOf(w2, SLICES), w2.length, (c) => Object.entries(c.getVariants)),
    );

    agree(
      "W3 rows read",
      await sliced("W3", countsOf(w3, SLICES), w3, (c) => [
        [null, (times) => c.listRecent(times, counts.w3Limit)],
      ]),
    );

    // Every bulk way must have stored all its rows (counted untimed, before they are cleared).
    const stored4: [string, number][] = [];
    for (const c of order) {
      for (const [variant, run] of Object.entries(c.bulkVariants)) {
        keep("W4", c, variant, w4.rows.length, await timed(() => run(w4)));
        stored4.push([who(c, variant), (await c.counts()).findings]);
        await c.clearBulk();
      }
    }
    agree("findings stored after W4", stored4);

    await sliced("W5", slicesOf(w5, SLICES), w5.length, (c) =>
      c.appendUsage ? [[null, (part) => c.appendUsage!(part)]] : [],
    );
    if (concurrent) {
      await sliced("W5c", slicesOf(w5, SLICES), w5.length, (c) =>
        c.appendUsageConcurrent ? [[null, (part) => c.appendUsageConcurrent!(part, counts.w5Workers)]] : [],
      );
    }

    if (!warming) {
      const stored = await Promise.all(all.map(async (c) => [c.label, await c.counts()] as const));
      agree(
        "scans stored",
        stored.map(([label, n]) => [label, n.scans]),
      );
      agree(
        "findings stored",
        stored.map(([label, n]) => [label, n.findings]),
      );
      agree(
        "api_usage stored",
        stored
          .filter(([label]) => all.find((c) => c.label === label)?.appendUsage)
          .map(([label, n]) => [label, n.api_usage]),
      );
    }
  }

  const measurements: Measurement[] = [...samples.values()].map(({ m, rates }) => ({
    ...m,
    summary: summarize(rates),
  }));
  return {
    backend,
    rounds,
    counts,
    measurements,
    peers: peers.map((p) => ({ label: p.label, title: p.title ?? p.label })),
    mismatches,
  };
}
