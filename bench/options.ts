/**
 * What `bun run bench` runs, from argv and the environment. Flags win over env:
 *   --quick | BENCH_QUICK=1            smaller counts and fewer rounds, for development
 *   --only sqlite|postgres|BENCH_ONLY  one backend (W6 and the adapter bench follow it)
 *   --rounds N | BENCH_ROUNDS          interleaved raw/ours rounds per workload
 *   --skip backend,w6,adapter,peers | BENCH_SKIP  leave parts out (backend: the backend's own
 *                                      methods vs the raw drivers; peers: Bun SQL, Drizzle, Kysely)
 *   --pg-url URL | BENCH_POSTGRES_URL  admin URL of the server that hosts the throwaway databases
 *   --http-seconds N | BENCH_HTTP_SECONDS  length of each W6 load run
 *   --http-rounds N | BENCH_HTTP_ROUNDS    W6 rounds per server and route (alternating who goes first)
 *   --scale | BENCH_SCALE=1            only the scale tier: reads timed at 10k, 100k and 1M scans
 *   --scale-sizes 10000,100000 | BENCH_SCALE_SIZES  other sizes for the scale tier (development)
 */
export type BenchBackend = "sqlite" | "postgres";
export type BenchPart = "workloads" | "backend" | "w6" | "adapter";

export interface Counts {
  w1Scans: number;
  findingsPerScan: number;
  w2Gets: number;
  w3Lists: number;
  w3Limit: number;
  w4Rows: number;
  w5Appends: number;
  w5Workers: number;
  poolSize: number;
  w6Connections: number;
}

export interface BenchOptions {
  quick: boolean;
  /** Run the scale tier instead of W1–W6 and the adapter bench. */
  scale: boolean;
  scaleSizes: number[];
  /** Calls per read per round in the scale tier. */
  scaleCalls: number;
  /** The backend section: calls per method per round, rows of the executeMany. */
  backendCounts: { calls: number; manyRows: number };
  backends: BenchBackend[];
  parts: BenchPart[];
  /** Run the peers (Bun SQL, Drizzle, Kysely) beside raw and ours; `--skip peers` leaves them out. */
  peers: boolean;
  rounds: number;
  httpSeconds: number;
  httpRounds: number;
  postgresAdminUrl: string;
  counts: Counts;
}

const FULL: Counts = {
  w1Scans: 2_000,
  findingsPerScan: 10,
  w2Gets: 20_000,
  w3Lists: 2_000,
  w3Limit: 50,
  w4Rows: 100_000,
  w5Appends: 20_000,
  w5Workers: 10,
  poolSize: 10,
  w6Connections: 20,
};

/*
 * PostgreSQL with its peers: every call is a round trip, and the slowest peer (Drizzle's default
 * builder, ~500 gets/s on the shared machine) set the length of a round. Fewer calls per round
 * and more rounds give steadier paired ratios in the same time.
 */
const POSTGRES_FULL: Partial<Counts> = { w1Scans: 1_000, w2Gets: 5_000, w3Lists: 1_000, w5Appends: 5_000 };

/** The counts a backend's W1–W5 run with. */
export function countsFor(backend: BenchBackend, options: BenchOptions): Counts {
  return backend === "postgres" && !options.quick ? { ...options.counts, ...POSTGRES_FULL } : options.counts;
}

// Quick mode keeps every code path and the workload shapes; only the repetition shrinks.
const QUICK: Counts = {
  ...FULL,
  w1Scans: 400,
  w2Gets: 4_000,
  w3Lists: 400,
  w4Rows: 20_000,
  w5Appends: 4_000,
};

function flagValue(argv: readonly string[], name: string): string | undefined {
  const eq = argv.find((a) => a.startsWith(`--${name}=`));
  if (eq) return eq.slice(name.length + 3);
  const at = argv.indexOf(`--${name}`);
  if (at >= 0 && at + 1 < argv.length && !argv[at + 1]?.startsWith("--")) return argv[at + 1];
  return undefined;
}

function positiveInt(raw: string | undefined, what: string, fallback: number): number {
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${what} must be a positive integer, got ${raw}`);
  return n;
}

function truthy(raw: string | undefined): boolean {
  return raw !== undefined && ["1", "true", "yes"].includes(raw.toLowerCase());
}

export function parseOptions(
  argv: readonly string[] = process.argv.slice(2),
  env: Record<string, string | undefined> = process.env,
): BenchOptions {
  const quick = argv.includes("--quick") || truthy(env.BENCH_QUICK);
  const scale = argv.includes("--scale") || truthy(env.BENCH_SCALE);
  const sizesText = flagValue(argv, "scale-sizes") ?? env.BENCH_SCALE_SIZES;
  const scaleSizes =
    sizesText === undefined || sizesText === ""
      ? [10_000, 100_000, 1_000_000]
      : sizesText.split(",").map((t) => positiveInt(t.trim(), "--scale-sizes", 0));

  const only = (flagValue(argv, "only") ?? env.BENCH_ONLY ?? "").toLowerCase();
  let backends: BenchBackend[];
  if (only === "") backends = ["sqlite", "postgres"];
  else if (only === "sqlite" || only === "postgres") backends = [only];
  else throw new Error(`--only takes sqlite or postgres, got ${only}`);

  const skip = new Set(
    (flagValue(argv, "skip") ?? env.BENCH_SKIP ?? "")
      .split(",")
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean),
  );
  const parts = (["workloads", "backend", "w6", "adapter"] as const).filter((p) => !skip.has(p));

  return {
    quick,
    scale,
    scaleSizes,
    scaleCalls: quick ? 50 : 200,
    backendCounts: quick ? { calls: 5_000, manyRows: 10_000 } : { calls: 20_000, manyRows: 50_000 },
    backends,
    parts,
    peers: !skip.has("peers"),
    rounds: positiveInt(flagValue(argv, "rounds") ?? env.BENCH_ROUNDS, "--rounds", quick ? 2 : 5),
    httpSeconds: positiveInt(
      flagValue(argv, "http-seconds") ?? env.BENCH_HTTP_SECONDS,
      "--http-seconds",
      quick ? 2 : 5,
    ),
    // Five: HTTP runs on a shared 2-core machine swing by ±10% from run to run, and a median of
    // three was still moved by one outlier.
    httpRounds: positiveInt(
      flagValue(argv, "http-rounds") ?? env.BENCH_HTTP_ROUNDS,
      "--http-rounds",
      quick ? 1 : 5,
    ),
    postgresAdminUrl:
      flagValue(argv, "pg-url") ??
      env.BENCH_POSTGRES_URL ??
      env.MALWAR_TEST_POSTGRES_URL ??
      "postgres://postgres@127.0.0.1:5432/postgres",
    counts: quick ? QUICK : FULL,
  };
}
