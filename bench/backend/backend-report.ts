/** The backend section's table (ours and raw per operation, paired ratio) and its targets. */
import { RATIO_TOLERANCE, type Target } from "../report.ts";
import { fmtRate, fmtRatioSpread } from "../stats.ts";
import type { BackendBenchResult, BackendOp } from "./backend-bench.ts";

/** What each method must reach of the raw driver's rate (issue 15, item 6). */
export const BACKEND_TARGETS: Record<BackendOp, number> = {
  fetchOne: 0.9,
  fetchAll: 0.9,
  execute: 0.9,
  executeMany: 0.85,
};

export const BACKEND_HEADERS = [
  "method",
  "what",
  "raw driver",
  "ours",
  "raw",
  "ours/raw (per-round min–max)",
];

export function backendCells(result: BackendBenchResult): string[][] {
  return result.ops.map((o) => [
    `${result.backend} ${o.op}`,
    o.what,
    o.rawWhat,
    `${fmtRate(o.ours.median)} ${o.unit}`,
    `${fmtRate(o.raw.median)} ${o.unit}`,
    fmtRatioSpread(o.ratio),
  ]);
}

export function backendTargets(result: BackendBenchResult): Target[] {
  return result.ops.map((o) => {
    const min = BACKEND_TARGETS[o.op];
    return {
      id: `${result.backend}-backend ${o.op}`,
      description: `${o.op} ≥ ${min.toFixed(2)} × raw (${o.rawWhat})`,
      measured: `${fmtRatioSpread(o.ratio)} (${fmtRate(o.ours.median)} vs ${fmtRate(o.raw.median)} ${o.unit})`,
      met: o.ratio.median >= min,
      value: o.ratio.median,
      tolerance: RATIO_TOLERANCE,
    };
  });
}
