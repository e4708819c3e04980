/**
 * `bun run bench`: W1–W5 through the project and through the raw drivers (on PostgreSQL also
 * through a peer, Bun's built-in SQL client), interleaved, on SQLite and PostgreSQL; W6 over HTTP;
 * the adapter bench. Prints tables and writes bench/results/.
 * Options: see options.ts (`--quick`, `--only sqlite|postgres`, `--rounds N`, `--skip w6,adapter`).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { parseOrExit } from "../src/cli/cli-args.ts";
import { type AdapterBenchReport, runAdapterBench } from "./adapter.ts";
import { loadGenerator } from "./http/load.ts";
import { runW6, type W6Result } from "./http/w6.ts";
import { parseOptions } from "./options.ts";
import { dropAllThrowaways, postgresReachable } from "./pg-databases.ts";
import {
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
import { openContenders } from "./setup.ts";
import { runSuite, type SuiteResult } from "./suite.ts";

const USAGE = `usage: bun run bench [options]

W1-W5 through the project and the raw drivers (interleaved rounds) on SQLite and PostgreSQL,
W6 over HTTP, and the adapter bench; prints tables and writes bench/results/. Takes minutes.
  --quick               smaller counts and fewer rounds (BENCH_QUICK=1)
  --only sqlite|postgres  one backend (BENCH_ONLY)
  --rounds N            interleaved rounds per workload (BENCH_ROUNDS)
  --skip w6,adapter     leave parts out (BENCH_SKIP)
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
  },
} as const;

// Arguments are checked (and --help answered) before anything is opened or started.
const options = parseOrExit(BENCH_ARGS, process.argv.slice(2), () => parseOptions());
const log = (line: string) => console.log(line);
const started = new Date();

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

  if (options.parts.includes("workloads")) {
    for (const backend of backends) {
      log(`\n== ${backend}: W1–W5, ${options.rounds} rounds${options.quick ? " (quick)" : ""}`);
      const opened = await openContenders(backend, options.postgresAdminUrl, options.counts.poolSize);
      let result: SuiteResult;
      try {
        result = await runSuite({
          backend,
          counts: options.counts,
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

  if (options.parts.includes("w6")) {
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

  if (options.parts.includes("adapter")) {
    log("\n== adapter bench");
    adapter = await runAdapterBench({ runs: options.quick ? 3 : 9, log });
    markdown.push(`#### Adapter (median of ${adapter.runs} runs per size)\n\n${adapterMarkdown(adapter)}`);
  }
} finally {
  await dropAllThrowaways();
}

if (targets.length > 0) {
  const cells = targetCells(targets);
  log(`\ntargets\n${consoleTable(TARGET_HEADERS, cells, 4)}`);
  markdown.push(`#### Targets\n\n${markdownTable(TARGET_HEADERS, cells, 4)}`);
}
for (const n of notes) log(`note: ${n}`);

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
  },
  options: {
    quick: options.quick,
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
  targets,
  notes,
  markdown: markdownText,
};
const dir = join(import.meta.dir, "results");
mkdirSync(dir, { recursive: true });
const stamp = started.toISOString().replace(/[:.]/g, "-");
const body = `${JSON.stringify(record, null, 2)}\n`;
writeFileSync(join(dir, `${stamp}${options.quick ? "-quick" : ""}.json`), body);
writeFileSync(join(dir, "latest.json"), body);

log(`\n--- Markdown for README.md ---\n\n${markdownText}\n`);
log(
  `results: bench/results/latest.json (and ${stamp}${options.quick ? "-quick" : ""}.json); ${record.seconds} s`,
);
