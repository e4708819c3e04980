/** Summary of one contender's rates over the rounds: the median is the figure, the rest its spread. */
export interface Summary {
  median: number;
  min: number;
  max: number;
  q1: number;
  q3: number;
  samples: number[];
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (pos - lo);
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((x, y) => x - y);
  return {
    median: quantile(sorted, 0.5),
    min: sorted[0] ?? Number.NaN,
    max: sorted[sorted.length - 1] ?? Number.NaN,
    q1: quantile(sorted, 0.25),
    q3: quantile(sorted, 0.75),
    samples: [...samples],
  };
}

/** Thousands separators, no decimals above 100; rates here are never small enough to need more. */
export function fmtRate(n: number): string {
  if (!Number.isFinite(n)) return "—";
  if (n >= 100) return Math.round(n).toLocaleString("en-US");
  return n.toFixed(1);
}

export function fmtSpread(s: Summary): string {
  return `${fmtRate(s.min)}–${fmtRate(s.max)}`;
}

export function fmtRatio(r: number): string {
  return Number.isFinite(r) ? r.toFixed(2) : "—";
}
