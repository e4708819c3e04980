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

    for (const c of order) keep("W1", c, null, w1.length, await timed(() => c.recordScans(w1)));
    for (const c of all) await c.analyze();

    const read2: [string, number][] = [];
    for (const c of order) {
      for (const [variant, run] of Object.entries(c.getVariants)) {
        let n = 0;
        keep("W2", c, variant, w2.length, await timed(async () => (n = await run(w2))));
        read2.push([who(c, variant), n]);
      }
    }
    agree("W2 findings read", read2);

    const read3: [string, number][] = [];
    for (const c of order) {
      let n = 0;
      keep("W3", c, null, w3, await timed(async () => (n = await c.listRecent(w3, counts.w3Limit))));
      read3.push([who(c, null), n]);
    }
    agree("W3 rows read", read3);

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

    for (const c of order) {
      if (c.appendUsage) keep("W5", c, null, w5.length, await timed(() => c.appendUsage!(w5)));
    }
    if (concurrent) {
      for (const c of order) {
        if (!c.appendUsageConcurrent) continue;
        keep("W5c", c, null, w5.length, await timed(() => c.appendUsageConcurrent!(w5, counts.w5Workers)));
      }
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
