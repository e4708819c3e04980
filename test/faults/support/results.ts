/**
 * Fault-run figures: printed as one line per run and appended to test/faults/results/latest.json
 * (one JSON object per line), which docs/reliability.md quotes.
 */
import { appendFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";

export const RESULTS_DIR = join(import.meta.dir, "..", "results");
export const RESULTS_FILE = join(RESULTS_DIR, "latest.jsonl");

export function reportFigures(fault: string, figures: Record<string, unknown>): void {
  const entry = { fault, at: new Date().toISOString(), ...figures };
  console.log(`fault-figures ${JSON.stringify(entry)}`);
  mkdirSync(RESULTS_DIR, { recursive: true });
  appendFileSync(RESULTS_FILE, `${JSON.stringify(entry)}\n`);
}
