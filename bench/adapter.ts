/**
 * Adapter benchmark: scans query texts of 125k, 250k, 500k and 1M characters (a mix of markers,
 * literals, comments, bodies and casts) for each dialect and reports the median time per size.
 * The scanner must stay linear: each doubling of the text should roughly double the time.
 *
 * Run alone with `bun run bench/adapter.ts`; bench/run.ts calls `runAdapterBench()`.
 */
import { adaptNamedToPositional, type Dialect, type SqlParam, scanMarkers } from "../src/sql/index.ts";

export const ADAPTER_BENCH_SIZES = [125_000, 250_000, 500_000, 1_000_000] as const;

export interface AdapterBenchResult {
  adapter: "adaptQuery" | "adaptNamedToPositional";
  dialect: Dialect;
  chars: number;
  markers: number;
  /** Median of the timed runs, in milliseconds. */
  medianMs: number;
  /** Characters per microsecond: a flat column means linear scaling. */
  charsPerUs: number;
  /** medianMs divided by the previous size's medianMs (about 2 when linear); null for the first size. */
  ratioToPrevious: number | null;
}

export interface AdapterBenchReport {
  sizes: number[];
  runs: number;
  results: AdapterBenchResult[];
}

export interface AdapterBenchOptions {
  sizes?: readonly number[];
  /** Timed runs per size, after warm-up; the median is reported. */
  runs?: number;
  log?: (line: string) => void;
}

// Written so both dialects see the same token boundaries: no E'\'' (SQLite would read a
// different literal there), nested comments that stay balanced when read flat.
const CHUNKS = [
  "select id, ? as a, 'it''s a ? here' from scans where risk_score > ? ",
  "/* reviewer: why ? /* nested ? */ here */ ",
  "-- trailing question? and :colon\n",
  "and data ?? 'key' and tags ??| array['a', 'b'] ",
  '"odd?name" = ? and created_at::date = ?::date ',
  "and body = $fn$ select ? from x where y = 'z' $fn$ ",
  "and note like E'\\\\%?' and path = 'C:\\tmp' ",
  "or id in (?, ?, ?, ?) ",
];

const NAMED_CHUNKS = [
  "select id, :a as a, 'it''s a :b here' from scans where risk_score > :score ",
  "/* reviewer: why :c /* nested :d */ here */ ",
  "-- trailing :colon?\n",
  '"odd:name" = :name and created_at::date = :day::date ',
  "and body = $fn$ select :e from x $fn$ or id in (:a, :b, :score) ",
];
const NAMED_PARAMS: Record<string, SqlParam> = { a: 1, b: 2, score: 50, name: "n", day: "2024-01-01", e: 5 };

/** Deterministic text of exactly `size` characters, cut at a chunk boundary then padded. */
export function buildQueryText(size: number, chunks: readonly string[] = CHUNKS): string {
  const parts: string[] = [];
  let length = 0;
  for (let k = 0; ; k++) {
    const chunk = chunks[(k * 7 + (k >> 3)) % chunks.length] as string;
    if (length + chunk.length > size) break;
    parts.push(chunk);
    length += chunk.length;
  }
  return parts.join("") + " ".repeat(size - length);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

function time(run: () => number, runs: number): { medianMs: number; markers: number } {
  let markers = 0;
  for (let k = 0; k < 3; k++) markers = run();
  const samples: number[] = [];
  for (let k = 0; k < runs; k++) {
    const start = Bun.nanoseconds();
    markers = run();
    samples.push((Bun.nanoseconds() - start) / 1e6);
  }
  return { medianMs: median(samples), markers };
}

export async function runAdapterBench(options: AdapterBenchOptions = {}): Promise<AdapterBenchReport> {
  const sizes = [...(options.sizes ?? ADAPTER_BENCH_SIZES)];
  const runs = options.runs ?? 9;
  const log = options.log ?? ((line: string) => console.log(line));
  const results: AdapterBenchResult[] = [];

  const suites: { adapter: AdapterBenchResult["adapter"]; run: (text: string, d: Dialect) => number }[] = [
    { adapter: "adaptQuery", run: (text, d) => scanMarkers(text, d).markers },
    {
      adapter: "adaptNamedToPositional",
      run: (text, d) => adaptNamedToPositional(text, NAMED_PARAMS, d).values.length,
    },
  ];

  log(`adapter benchmark: median of ${runs} runs per size`);
  log("adapter                 dialect   chars      markers   median ms  chars/us  x prev");
  for (const suite of suites) {
    for (const dialect of ["sqlite", "postgres"] as const) {
      // Warm the JIT on the largest text first, so the smallest size is not charged for it.
      const largest = Math.max(...sizes);
      const warmText = buildQueryText(largest, suite.adapter === "adaptQuery" ? CHUNKS : NAMED_CHUNKS);
      time(() => suite.run(warmText, dialect), 3);
      let previous: number | null = null;
      for (const size of sizes) {
        const text = buildQueryText(size, suite.adapter === "adaptQuery" ? CHUNKS : NAMED_CHUNKS);
        const { medianMs, markers } = time(() => suite.run(text, dialect), runs);
        const result: AdapterBenchResult = {
          adapter: suite.adapter,
          dialect,
          chars: text.length,
          markers,
          medianMs,
          charsPerUs: text.length / (medianMs * 1000),
          ratioToPrevious: previous === null ? null : medianMs / previous,
        };
        previous = medianMs;
        results.push(result);
        log(
          [
            suite.adapter.padEnd(23),
            dialect.padEnd(9),
            String(text.length).padEnd(10),
            String(markers).padEnd(9),
            medianMs.toFixed(3).padStart(9),
            result.charsPerUs.toFixed(1).padStart(9),
            result.ratioToPrevious === null ? "     -" : result.ratioToPrevious.toFixed(2).padStart(6),
          ].join(" "),
        );
      }
      // Let the event loop breathe between series when embedded in a larger bench run.
      await Promise.resolve();
    }
  }
  return { sizes, runs, results };
}

if (import.meta.main) {
  await runAdapterBench();
}
