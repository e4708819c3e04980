/* Findings: row type, input checks and conversion, shared by FindingRepository and ScanRepository. */
import { COLUMN_LIMITS } from "./column-limits.ts";
import {
  CATEGORIES,
  type Category,
  DETECTOR_LAYERS,
  type DetectorLayer,
  finite,
  type InstantInput,
  instantIn,
  int32OrNull,
  jsonArrayIn,
  nonEmptyText,
  oneOf,
  SEVERITIES,
  type Severity,
  stringItem,
  text,
  textOrNullIn,
} from "./domain.ts";
import { rowById } from "./query-parts.ts";
import { type Instant, instantOut, rowConverter } from "./row-convert.ts";
import { newId } from "./write-errors.ts";

export interface Finding {
  id: string;
  scan_id: string;
  rule_id: string;
  title: string;
  description: string;
  severity: Severity;
  confidence: number;
  category: Category;
  detector_layer: DetectorLayer;
  line_start: number | null;
  line_end: number | null;
  snippet: string | null;
  evidence: string[];
  ioc_values: string[];
  remediation: string | null;
  detected_at: Instant;
}

/** A finding to store; `scan_id` comes from the scan it belongs to. */
export interface NewFinding
  extends Pick<
      Finding,
      "rule_id" | "title" | "description" | "severity" | "confidence" | "category" | "detector_layer"
    >,
    Partial<
      Pick<Finding, "id" | "line_start" | "line_end" | "snippet" | "evidence" | "ioc_values" | "remediation">
    > {
  /** Defaults to the time of the write. */
  detected_at?: InstantInput;
}

export const findingOut = rowConverter<Finding>({
  id: "value",
  scan_id: "value",
  rule_id: "value",
  title: "value",
  description: "value",
  severity: "value",
  confidence: "value",
  category: "value",
  detector_layer: "value",
  line_start: "number",
  line_end: "number",
  snippet: "nullable",
  evidence: "list",
  ioc_values: "list",
  remediation: "nullable",
  detected_at: "instant",
});
export const findingById = rowById("findings", findingOut);

export const FINDING_COLUMNS = findingOut.columns;

/** A checked finding as it is bound: FINDING_COLUMNS as keys, JSON columns as text. */
export type FindingRecord = Omit<Finding, "evidence" | "ioc_values"> & {
  evidence: string;
  ioc_values: string;
};

/** Checks one finding and returns its column values, keys in FINDING_COLUMNS order. */
export function findingRecord(scanId: string, f: NewFinding, now: string): FindingRecord {
  if (f === null || typeof f !== "object") throw new TypeError("a finding must be an object");
  return {
    id: f.id === undefined ? newId() : nonEmptyText("id", f.id, COLUMN_LIMITS.id),
    scan_id: scanId,
    rule_id: nonEmptyText("rule_id", f.rule_id, COLUMN_LIMITS.findings.rule_id),
    title: text("title", f.title, COLUMN_LIMITS.findings.title),
    description: text("description", f.description),
    severity: oneOf("severity", f.severity, SEVERITIES),
    confidence: finite("confidence", f.confidence, 0, 1),
    category: oneOf("category", f.category, CATEGORIES),
    detector_layer: oneOf("detector_layer", f.detector_layer, DETECTOR_LAYERS),
    line_start: int32OrNull("line_start", f.line_start),
    line_end: int32OrNull("line_end", f.line_end),
    snippet: textOrNullIn("snippet", f.snippet),
    evidence: jsonArrayIn("evidence", f.evidence, stringItem),
    ioc_values: jsonArrayIn("ioc_values", f.ioc_values, stringItem),
    remediation: f.remediation === undefined ? "" : textOrNullIn("remediation", f.remediation),
    detected_at: f.detected_at === undefined ? now : instantIn("detected_at", f.detected_at),
  };
}

/**
 * Turns a record that has been written into the finding a read returns, in place: no second
 * object, and the lists are copied from the caller's input (already checked to be strings)
 * instead of parsing the JSON text just made from them. `now`/`nowIso` spare converting the
 * shared write time once per row.
 */
export function storedFinding(
  record: FindingRecord,
  input: NewFinding,
  now: string,
  nowIso: string,
): Finding {
  const out = record as unknown as Finding;
  out.evidence = input.evidence == null ? [] : input.evidence.slice();
  out.ioc_values = input.ioc_values == null ? [] : input.ioc_values.slice();
  out.detected_at = record.detected_at === now ? nowIso : instantOut(record.detected_at);
  return out;
}
