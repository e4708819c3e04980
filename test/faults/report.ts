/**
 * `bun run test/faults/report.ts [results.jsonl]`: the figures of the fault runs in a results
 * file (default test/faults/results/latest.jsonl) as the Markdown table docs/reliability.md
 * shows, one row per fault and run.
 */
import { RESULTS_FILE } from "./support/results.ts";

const file = process.argv[2] ?? RESULTS_FILE;
if (file === "--help" || file === "-h") {
  console.log("usage: bun run test/faults/report.ts [results.jsonl]  (prints a Markdown table)");
  process.exit(0);
}
type Entry = Record<string, unknown> & { fault: string; at: string };
const entries = (await Bun.file(file).text())
  .split("\n")
  .filter((l) => l.trim() !== "")
  .map((l) => JSON.parse(l) as Entry);

const runs = entries.filter((e) => typeof e.requests === "number");
const counts = new Map<string, number>();
console.log(
  "| fault | run | requests | answered 503 (within 3 s) | no answer | slowest request | downtime per fault (s) | recovery (s) | failures ≥ 2 s after | acknowledged scans | lost | doubled |",
);
console.log("|---|---|---|---|---|---|---|---|---|---|---|---|");
for (const e of runs) {
  const n = (counts.get(e.fault) ?? 0) + 1;
  counts.set(e.fault, n);
  const down = (e.downtimeSeconds as number[]).join(", ");
  console.log(
    `| ${e.fault} | ${n} | ${e.requests} | ${e.answered503} (${e.answered503WithinBound}) | ${e.unanswered} | ${e.slowestMs} ms | ${down} | ${e.recoverySeconds} | ${e.failedAfterRecoveryBound} | ${e.acknowledgedScans} | ${e.acknowledgedLost} | ${e.acknowledgedDuplicated} |`,
  );
}
const stops = entries.filter((e) => typeof e.exitSeconds === "number");
if (stops.length > 0) {
  console.log("\n| shutdown case | run | exit code | exit after SIGTERM | health slowest | ready slowest |");
  console.log("|---|---|---|---|---|---|");
  const stopCounts = new Map<string, number>();
  for (const e of stops) {
    const n = (stopCounts.get(e.fault) ?? 0) + 1;
    stopCounts.set(e.fault, n);
    const h = e.healthSlowestMs === undefined ? "" : `${e.healthSlowestMs} ms`;
    const r = e.readySlowestMs === undefined ? "" : `${e.readySlowestMs} ms`;
    console.log(`| ${e.fault} | ${n} | ${e.exitCode} | ${e.exitSeconds} s | ${h} | ${r} |`);
  }
}
