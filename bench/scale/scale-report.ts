/** The scale tier's table (ms per call per size and the growth factor) and its targets. */
import type { Target } from "../report.ts";
import { SCALE_GROWTH_LIMIT, type ScaleResult } from "./run-scale.ts";

function ms(x: number): string {
  return x >= 10 ? x.toFixed(1) : x >= 1 ? x.toFixed(2) : x.toFixed(3);
}

function sizeLabel(n: number): string {
  return n >= 1_000_000 ? `${n / 1_000_000}M` : n >= 1_000 ? `${n / 1_000}k` : String(n);
}

export function scaleHeaders(result: ScaleResult): string[] {
  const first = sizeLabel(result.sizes[0] as number);
  const last = sizeLabel(result.sizes.at(-1) as number);
  return ["read", ...result.sizes.map((s) => `${sizeLabel(s)} ms`), `×${first}→${last}`, "result"];
}

export function scaleCells(result: ScaleResult): string[][] {
  return result.reads.map((r) => [
    r.route,
    ...r.msPerCall.map(ms),
    `×${r.growth.toFixed(2)}`,
    r.linear ? "linear by nature" : r.growth <= SCALE_GROWTH_LIMIT ? "met" : "MISSED",
  ]);
}

export function scaleTargets(result: ScaleResult): Target[] {
  const first = sizeLabel(result.sizes[0] as number);
  const last = sizeLabel(result.sizes.at(-1) as number);
  return result.reads
    .filter((r) => !r.linear)
    .map((r) => ({
      id: `${result.backend}-scale ${r.id}`,
      description: `${r.route}: ≤ ×${SCALE_GROWTH_LIMIT} from ${first} to ${last}`,
      measured: `×${r.growth.toFixed(2)} (${ms(r.msPerCall[0] as number)} → ${ms(r.msPerCall.at(-1) as number)} ms)`,
      met: r.growth <= SCALE_GROWTH_LIMIT && r.read.every((n) => n > 0),
    }));
}
