import { sql } from "../sql/index.ts";
import { SEVERITY_RANK, type Severity } from "./domain.ts";

/** Most severe first, in SQL; unknown values (an older writer's) sort last. */
export const SEVERITY_RANK_TEXT =
  "CASE severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 WHEN 'low' THEN 3 WHEN 'info' THEN 4 ELSE 5 END";
export const SEVERITY_RANK_SQL = sql.unsafe(SEVERITY_RANK_TEXT);

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

export function compareBySeverityThenId(
  a: { severity: string; id: string },
  b: { severity: string; id: string },
): number {
  const ra = SEVERITY_RANK[a.severity as Severity] ?? 5;
  const rb = SEVERITY_RANK[b.severity as Severity] ?? 5;
  return ra !== rb ? ra - rb : compareCodePoints(a.id, b.id);
}

/** For rows already converted: ISO instants compare correctly as text. */
export function compareByInstantThenId<K extends string>(key: K) {
  return (a: Record<K, string> & { id: string }, b: Record<K, string> & { id: string }): number => {
    const x = a[key];
    const y = b[key];
    return x < y ? -1 : x > y ? 1 : compareCodePoints(a.id, b.id);
  };
}
