/** The rows W1 writes, as objects keyed by column name, with the very values raw binds. */
import type { ScanWithFindings } from "../../fixtures.ts";
import { FINDING_COLUMNS, pushFindingValues, SCAN_COLUMNS, scanValues } from "../statements.ts";

export type Value = string | number | null;
export type Record_ = Record<string, Value>;

export function scanRecord(item: ScanWithFindings, now: string): Record_ {
  const values = scanValues(item, now);
  const out: Record_ = {};
  SCAN_COLUMNS.forEach((c, i) => {
    out[c] = values[i] as Value;
  });
  return out;
}

export function findingRecords(item: ScanWithFindings, now: string): Record_[] {
  const values: Value[] = [];
  return item.findings.map((f) => {
    values.length = 0;
    pushFindingValues(values, item.id, f, now);
    const out: Record_ = {};
    FINDING_COLUMNS.forEach((c, i) => {
      out[c] = values[i] as Value;
    });
    return out;
  });
}

/** Most severe first, then id: the order every side reads a scan's findings in. */
export const SEVERITY_RANK =
  "CASE severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 WHEN 'low' THEN 3 WHEN 'info' THEN 4 ELSE 5 END";
