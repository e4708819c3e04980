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

/**
 * Round-by-round ratios of two contenders measured in the same rounds (`a.samples[i]` and
 * `b.samples[i]` ran back to back in round i), summarised. Machine noise that slows a whole
 * round slows both sides of it, so the per-round ratio holds still where the two medians taken
 * apart do not.
 */
export function pairedRatio(a: Summary, b: Summary): Summary {
  const n = Math.min(a.samples.length, b.samples.length);
  const ratios: number[] = [];
  for (let i = 0; i < n; i++) ratios.push((a.samples[i] as number) / (b.samples[i] as number));
  return summarize(ratios);
}

/** A ratio with its spread over the rounds: `0.97 (0.93–1.01)`. */
export function fmtRatioSpread(s: Summary): string {
  return `${fmtRatio(s.median)} (${fmtRatio(s.min)}–${fmtRatio(s.max)})`;
}
