import { SEVERITIES } from "./domain.ts";

/** Most severe first, in SQL (SEVERITIES is that order); unknown values (an older writer's) sort last. */
export const SEVERITY_RANK_TEXT = `CASE severity ${SEVERITIES.map((s, rank) => `WHEN '${s}' THEN ${rank}`).join(" ")} ELSE ${SEVERITIES.length} END`;

/**
 * Code-point order, which is UTF-8 byte order: what `COLLATE BINARY` / `COLLATE "C"` give in SQL.
 * Plain `<` compares UTF-16 units and disagrees only for astral characters against U+E000..U+FFFF.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

/** Unknown values (an older writer's) rank after every known severity. */
const UNKNOWN_RANK = SEVERITIES.length;
const RANKS = new Map<string, number>(SEVERITIES.map((severity, rank) => [severity, rank]));

function severityRank(severity: string): number {
  return RANKS.get(severity) ?? UNKNOWN_RANK;
}

export function compareBySeverityThenId(
  a: { severity: string; id: string },
  b: { severity: string; id: string },
): number {
  const ra = severityRank(a.severity);
  const rb = severityRank(b.severity);
  return ra !== rb ? ra - rb : compareCodePoints(a.id, b.id);
}

const SURROGATE = /[\uD800-\uDFFF]/;

const byIdNative = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const byIdCodePoints = (a: { id: string }, b: { id: string }) => compareCodePoints(a.id, b.id);

/**
 * Sorts in place, most severe first, then by id. Large lists (a bulk insert's rows) are split
 * into one bucket per severity and each bucket sorted by id alone; while no id holds a surrogate,
 * the engine's own string comparison (UTF-16 units) already is code-point order, and a bucket
 * that arrives sorted is left as it is.
 */
export function sortBySeverityThenId<T extends { severity: string; id: string }>(list: T[]): T[] {
  if (list.length < 64) return list.sort(compareBySeverityThenId);
  const buckets: T[][] = Array.from({ length: UNKNOWN_RANK + 1 }, () => []);
  let native = true;
  for (let i = 0; i < list.length; i++) {
    const item = list[i] as T;
    (buckets[severityRank(item.severity)] as T[]).push(item);
    if (native && SURROGATE.test(item.id)) native = false;
  }
  const byId = native ? byIdNative : byIdCodePoints;
  let k = 0;
  for (const bucket of buckets) {
    let sorted = true;
    for (let i = 1; i < bucket.length && sorted; i++) sorted = byId(bucket[i - 1] as T, bucket[i] as T) <= 0;
    if (!sorted) bucket.sort(byId);
    for (let i = 0; i < bucket.length; i++) list[k++] = bucket[i] as T;
  }
  return list;
}

/** For rows already converted: ISO instants compare correctly as text. */
export function compareByInstantThenId<K extends string>(key: K) {
  return (a: Record<K, string> & { id: string }, b: Record<K, string> & { id: string }): number => {
    const x = a[key];
    const y = b[key];
    return x < y ? -1 : x > y ? 1 : compareCodePoints(a.id, b.id);
  };
}
