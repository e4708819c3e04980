/* Findings: row type, input checks and conversion, shared by FindingRepository and ScanRepository. */
import type { Row } from "../backends/database-backend.ts";
import type { SqlParam } from "../sql/index.ts";
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
  text,
  textOrNullIn,
} from "./domain.ts";
import { type Instant, instantOut, intOrNull, jsonArrayOut, textOrNull } from "./row-convert.ts";
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
export interface NewFinding {
  id?: string;
  rule_id: string;
  title: string;
  description: string;
  severity: Severity;
  confidence: number;
  category: Category;
  detector_layer: DetectorLayer;
  line_start?: number | null;
  line_end?: number | null;
  snippet?: string | null;
  evidence?: string[];
  ioc_values?: string[];
  remediation?: string | null;
  /** Defaults to the time of the write. */
  detected_at?: InstantInput;
}

export const FINDING_COLUMNS = [
  "id",
  "scan_id",
  "rule_id",
  "title",
  "description",
  "severity",
  "confidence",
  "category",
  "detector_layer",
  "line_start",
  "line_end",
  "snippet",
  "evidence",
  "ioc_values",
  "remediation",
  "detected_at",
] as const;

const stringItem = (field: string, v: unknown) => text(field, v);

/** Checks one finding and returns its column values in FINDING_COLUMNS order. */
export function findingParams(scanId: string, f: NewFinding, now: string): SqlParam[] {
  if (f === null || typeof f !== "object") throw new TypeError("a finding must be an object");
  return [
    f.id === undefined ? newId() : nonEmptyText("id", f.id, 255),
    scanId,
    nonEmptyText("rule_id", f.rule_id, 255),
    text("title", f.title, 512),
    text("description", f.description),
    oneOf("severity", f.severity, SEVERITIES),
    finite("confidence", f.confidence, 0, 1),
    oneOf("category", f.category, CATEGORIES),
    oneOf("detector_layer", f.detector_layer, DETECTOR_LAYERS),
    int32OrNull("line_start", f.line_start),
    int32OrNull("line_end", f.line_end),
    textOrNullIn("snippet", f.snippet),
    jsonArrayIn("evidence", f.evidence, stringItem),
    jsonArrayIn("ioc_values", f.ioc_values, stringItem),
    f.remediation === undefined ? "" : textOrNullIn("remediation", f.remediation),
    f.detected_at === undefined ? now : instantIn("detected_at", f.detected_at),
  ];
}

export function findingOut(r: Row): Finding {
  return {
    id: r.id as string,
    scan_id: r.scan_id as string,
    rule_id: r.rule_id as string,
    title: r.title as string,
    description: r.description as string,
    severity: r.severity as Severity,
    confidence: r.confidence as number,
    category: r.category as Category,
    detector_layer: r.detector_layer as DetectorLayer,
    line_start: intOrNull(r.line_start),
    line_end: intOrNull(r.line_end),
    snippet: textOrNull(r.snippet),
    evidence: jsonArrayOut<string>(r.evidence),
    ioc_values: jsonArrayOut<string>(r.ioc_values),
    remediation: textOrNull(r.remediation),
    detected_at: instantOut(r.detected_at),
  };
}
