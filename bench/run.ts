/**
 * `bun run bench`: W1–W5 through the project and through the raw drivers (on PostgreSQL also
 * through a peer, Bun's built-in SQL client), interleaved, on SQLite and PostgreSQL; W6 over HTTP;
 * the adapter bench. Prints tables and writes bench/results/.
 * Options: see options.ts (`--quick`, `--only sqlite|postgres`, `--rounds N`, `--skip w6,adapter`,
 * `--scale` for the scale tier alone).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { parseOrExit } from "../src/cli/cli-args.ts";
import { type AdapterBenchReport, runAdapterBench } from "./adapter.ts";
import { type BackendBenchResult, runBackendBench } from "./backend/backend-bench.ts";
import { BACKEND_HEADERS, backendCells, backendTargets } from "./backend/backend-report.ts";
import { loadGenerator } from "./http/load.ts";
import { runW6, type W6Result } from "./http/w6.ts";
import { countsFor, parseOptions } from "./options.ts";
import { dropAllThrowaways, postgresReachable } from "./pg-databases.ts";
import {
  confirmTargets,
  consoleTable,
  markdownTable,
  peerTables,
  SUITE_HEADERS,
  suiteCells,
  suiteRows,
  suiteTargets,
  TARGET_HEADERS,
  type Target,
  targetCells,
  W6_HEADERS,
  w6Cells,
  w6Targets,
} from "./report.ts";
import { runScale, type ScaleResult } from "./scale/run-scale.ts";
import { scaleCells, scaleHeaders, scaleTargets } from "./scale/scale-report.ts";
import { openContenders } from "./setup.ts";
import { runSuite, type SuiteResult } from "./suite.ts";

const USAGE = `usage: bun run bench [options]

W1-W5 through the project, the raw drivers and the peers (Bun SQL, Drizzle, Kysely; interleaved
rounds, paired ratios) on SQLite and PostgreSQL, the backend's own methods, W6 over HTTP, and the
adapter bench; prints tables and writes bench/results/. Takes minutes.
  --quick               smaller counts and fewer rounds (BENCH_QUICK=1)
  --only sqlite|postgres  one backend (BENCH_ONLY)
  --rounds N            interleaved rounds per workload (BENCH_ROUNDS)
  --skip backend,w6,adapter,peers  leave parts out (BENCH_SKIP)
  --scale               only the scale tier: every read at 10k, 100k and 1M scans (BENCH_SCALE=1)
  --scale-sizes A,B,…   other sizes for the scale tier (BENCH_SCALE_SIZES)
  --pg-url URL          admin URL of the server for throwaway databases (BENCH_POSTGRES_URL)
  --http-seconds N      length of each W6 load run (BENCH_HTTP_SECONDS)
  --http-rounds N       W6 rounds per server and route (BENCH_HTTP_ROUNDS)
  -h, --help            this text`;

const BENCH_ARGS = {
  tool: "bench",
  usage: USAGE,
  options: {
    quick: { type: "boolean" },
    only: { type: "string" },
    rounds: { type: "string" },
    skip: { type: "string" },
    "pg-url": { type: "string" },
    "http-seconds": { type: "string" },
    "http-rounds": { type: "string" },
    scale: { type: "boolean" },
    "scale-sizes": { type: "string" },
  },
} as const;

// Arguments are checked (and --help answered) before anything is opened or started.
const options = parseOrExit(BENCH_ARGS, process.argv.slice(2), () => parseOptions());
const log = (line: string) => console.log(line);
const started = new Date();
/** The machine's load (1, 5, 15 min) when each part began and when the run ended. */
const load: { at: string; part: string; loadavg: number[] }[] = [];
const noteLoad = (part: string) => load.push({ at: new Date().toISOString(), part, loadavg: loadavg() });

const onSignal = () => {
  void dropAllThrowaways().finally(() => process.exit(130));
};
process.on("SIGINT", onSignal);
process.on("SIGTERM", onSignal);

const suites: SuiteResult[] = [];
const w6: W6Result[] = [];
const targets: Target[] = [];
const markdown: string[] = [];
const notes: string[] = [];
let adapter: AdapterBenchReport | null = null;
const scale: ScaleResult[] = [];
const backendResults: BackendBenchResult[] = [];
let postgresVersion: string | null = null;

async function serverVersion(url: string): Promise<string | null> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql`SHOW server_version`;
    return String(row?.server_version ?? "");
  } catch {
    return null;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

function adapterMarkdown(report: AdapterBenchReport): string {
  const cells = report.results.map((r) => [
    r.adapter,
    r.dialect,
    r.chars.toLocaleString("en-US"),
    r.medianMs.toFixed(2),
    r.charsPerUs.toFixed(0),
    r.ratioToPrevious === null ? "" : r.ratioToPrevious.toFixed(2),
  ]);
  return markdownTable(["adapter", "dialect", "chars", "median ms", "chars/µs", "× previous size"], cells, 2);
}

try {
  const backends = [...options.backends];
  if (backends.includes("postgres")) {
    if (await postgresReachable(options.postgresAdminUrl)) {
      postgresVersion = await serverVersion(options.postgresAdminUrl);
    } else {
      notes.push(`postgres: server at ${new URL(options.postgresAdminUrl).host} did not answer, skipped`);
      backends.splice(backends.indexOf("postgres"), 1);
    }
  }

  if (options.scale) {
    noteLoad("scale");
    log(`\n== scale tier: ${options.scaleSizes.map((n) => n.toLocaleString("en-US")).join(" / ")} scans`);
    scale.push(
      ...(await runScale({
        backends,
        sizes: options.scaleSizes,
        rounds: options.rounds,
        calls: options.scaleCalls,
        postgresAdminUrl: options.postgresAdminUrl,
        log,
      })),
    );
    for (const result of scale) {
      const headers = scaleHeaders(result);
      const cells = scaleCells(result);
      targets.push(...scaleTargets(result));
      const built = result.buildSeconds.map((s) => s.toFixed(0)).join(" + ");
      log(`\n${result.backend}: ms per call (built in ${built} s)\n${consoleTable(headers, cells, 1)}`);
      markdown.push(
        `#### Scale: ${result.backend}, ms per call (median of ${options.rounds} rounds; data built in ${built} s)\n\n${markdownTable(headers, cells, 1)}`,
      );
    }
  }

  if (!options.scale && options.parts.includes("workloads")) {
    for (const backend of backends) {
      noteLoad(`workloads ${backend}`);
      log(`\n== ${backend}: W1–W5, ${options.rounds} rounds${options.quick ? " (quick)" : ""}`);
      const opened = await openContenders(
        backend,
        options.postgresAdminUrl,
        options.counts.poolSize,
        options.peers,
      );
      let result: SuiteResult;
      try {
        result = await runSuite({
          backend,
          counts: countsFor(backend, options),
          rounds: options.rounds,
          raw: opened.raw,
          ours: opened.ours,
          peers: opened.peers,
          log,
        });
      } finally {
        await opened.close();
      }
      suites.push(result);
      const cells = suiteCells(suiteRows(result));
      targets.push(...suiteTargets(result));
      log(`\n${backend}\n${consoleTable(SUITE_HEADERS, cells)}`);
      if (result.mismatches.length > 0) {
        notes.push(...result.mismatches.map((m) => `unequal work: ${m}`));
        log(`!! unequal work: ${result.mismatches.join("; ")}`);
      }
      markdown.push(
        `#### ${backend} (median of ${result.rounds} rounds)\n\n${markdownTable(SUITE_HEADERS, cells)}`,
      );
      // Information, not targets (bar W2 above): how ours compares with each peer client.
      for (const peer of peerTables(result)) {
        const title = `${backend}: ours vs ${peer.title} (peer ${peer.label}, same SQL as raw)`;
        log(`\n${title}\n${consoleTable(peer.headers, peer.cells)}`);
        markdown.push(
          `#### ${title}, median of ${result.rounds} rounds\n\n${markdownTable(peer.headers, peer.cells)}`,
        );
      }
    }
  }

  if (!options.scale && options.parts.includes("backend")) {
    const cells: string[][] = [];
    for (const backend of backends) {
      noteLoad(`backend ${backend}`);
      log(`\n== ${backend}: the backend's own methods vs the raw driver, ${options.rounds} rounds`);
      const result = await runBackendBench(backend, {
        rounds: options.rounds,
        counts: options.backendCounts,
        postgresAdminUrl: options.postgresAdminUrl,
        poolSize: options.counts.poolSize,
        log,
      });
      backendResults.push(result);
      targets.push(...backendTargets(result));
      cells.push(...backendCells(result));
    }
    if (cells.length > 0) {
      log(`\nbackend methods\n${consoleTable(BACKEND_HEADERS, cells)}`);
      markdown.push(
        `#### Backend methods as an embedding server calls them (median of ${options.rounds} rounds)\n\n${markdownTable(BACKEND_HEADERS, cells)}`,
      );
    }
  }

  if (!options.scale && options.parts.includes("w6")) {
    noteLoad("w6");
    const cells: string[][] = [];
    for (const backend of backends) {
      log(`\n== ${backend}: W6 over HTTP`);
      const result = await runW6(backend, options, log);
      w6.push(result);
      targets.push(...w6Targets(result));
      cells.push(...w6Cells(result));
    }
    if (cells.length > 0) {
      const gen = w6[0]?.generator ?? loadGenerator();
      const how = `${gen}, ${options.counts.w6Connections} connections, ${options.httpSeconds} s × ${options.httpRounds} rounds`;
      log(`\nW6 (${how})\n${consoleTable(W6_HEADERS, cells)}`);
      markdown.push(`#### W6: HTTP (${how}, medians)\n\n${markdownTable(W6_HEADERS, cells)}`);
    }
  }

  if (!options.scale && options.parts.includes("adapter")) {
    noteLoad("adapter");
    log("\n== adapter bench");
    adapter = await runAdapterBench({ runs: options.quick ? 3 : 9, log });
    markdown.push(`#### Adapter (median of ${adapter.runs} runs per size)\n\n${adapterMarkdown(adapter)}`);
  }
} finally {
  await dropAllThrowaways();
}

const resultsDir = join(import.meta.dir, "results");
const latestPath = join(resultsDir, options.scale ? "scale-latest.json" : "latest.json");
/** The options that must match for two runs' figures to be compared. */
const comparable = {
  quick: options.quick,
  scale: options.scale,
  backends: options.backends,
  parts: options.parts,
  peers: options.peers,
  rounds: options.rounds,
  counts: options.counts,
};
const previousRun = ((): { targets: Target[]; startedAt: string } | null => {
  if (!existsSync(latestPath)) return null;
  try {
    const before = JSON.parse(readFileSync(latestPath, "utf8")) as {
      targets?: Target[];
      startedAt?: string;
      comparable?: unknown;
    };
    if (JSON.stringify(before.comparable) !== JSON.stringify(comparable)) return null;
    return { targets: before.targets ?? [], startedAt: before.startedAt ?? "" };
  } catch {
    return null;
  }
})();
if (previousRun !== null) {
  confirmTargets(targets, previousRun.targets);
  notes.push(`targets compared with the previous run of ${previousRun.startedAt} (same options)`);
}

if (targets.length > 0) {
  const cells = targetCells(targets);
  log(`\ntargets\n${consoleTable(TARGET_HEADERS, cells, 4)}`);
  markdown.push(`#### Targets\n\n${markdownTable(TARGET_HEADERS, cells, 4)}`);
}
for (const n of notes) log(`note: ${n}`);

noteLoad("end");
const finished = new Date();
const markdownText = markdown.join("\n\n");
const record = {
  startedAt: started.toISOString(),
  seconds: Math.round((finished.getTime() - started.getTime()) / 1000),
  environment: {
    bun: Bun.version,
    postgresServer: postgresVersion,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? null,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    loadGenerator: options.parts.includes("w6") ? loadGenerator() : null,
    load,
  },
  comparable,
  options: {
    quick: options.quick,
    scale: options.scale,
    scaleSizes: options.scale ? options.scaleSizes : undefined,
    backends: options.backends,
    parts: options.parts,
    rounds: options.rounds,
    httpSeconds: options.httpSeconds,
    httpRounds: options.httpRounds,
    counts: options.counts,
  },
  suites,
  w6,
  adapter,
  backend: backendResults,
  scale,
  targets,
  notes,
  markdown: markdownText,
};
const dir = resultsDir;
mkdirSync(dir, { recursive: true });
const stamp = started.toISOString().replace(/[:.]/g, "-");
const kind = `${options.scale ? "-scale" : ""}${options.quick ? "-quick" : ""}`;
const body = `${JSON.stringify(record, null, 2)}\n`;
writeFileSync(join(dir, `${stamp}${kind}.json`), body);
writeFileSync(latestPath, body);

log(`\n--- Markdown for README.md ---\n\n${markdownText}\n`);
log(
  `results: bench/results/${options.scale ? "scale-latest" : "latest"}.json (and ${stamp}${kind}.json); ${record.seconds} s`,
);
