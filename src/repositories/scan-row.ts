/* Scans: row types, input checks and conversion. */
import type { Row } from "../backends/index.ts";
import { ValidationError } from "../errors/index.ts";
import { COLUMN_LIMITS } from "./column-limits.ts";
import {
  DETECTOR_LAYERS,
  type InstantInput,
  instantIn,
  integerOrNull,
  jsonArrayIn,
  nonEmptyText,
  oneOf,
  SCAN_STATUSES,
  type ScanStatus,
  SEVERITIES,
  type Severity,
  stringItem,
  text,
  textOrNullIn,
  VERDICTS,
  type Verdict,
} from "./domain.ts";
import type { Finding, NewFinding } from "./finding-row.ts";
import { rowById } from "./query-parts.ts";
import { type Instant, rowConverter } from "./row-convert.ts";
import type { NewUrlAnalysis, UrlAnalysis } from "./url-analysis-row.ts";
import { newId } from "./write-errors.ts";

export interface Scan {
  id: string;
  target: string;
  skill_name: string | null;
  skill_author: string | null;
  skill_sha256: string | null;
  status: ScanStatus;
  risk_score: number | null;
  overall_severity: Severity | null;
  verdict: Verdict | null;
  layers_executed: string[];
  errors: string[];
  /** Free-form text upstream (VARCHAR(64) on PostgreSQL): returned as stored. */
  started_at: string;
  completed_at: string | null;
  duration_ms: number | null;
  created_at: Instant;
}

export interface NewScan {
  id?: string;
  target: string;
  skill_name?: string | null;
  skill_author?: string | null;
  skill_sha256?: string | null;
  status?: ScanStatus;
  risk_score?: number | null;
  overall_severity?: Severity;
  verdict?: Verdict;
  layers_executed?: string[];
  errors?: string[];
  /** Text as given; a Date is stored as ISO-8601. Defaults to the time of the write. */
  started_at?: string | Date;
  completed_at?: string | Date | null;
  duration_ms?: number | null;
  /** Defaults to the time of the write. */
  created_at?: InstantInput;
}

export interface NewScanWithDetails extends NewScan {
  findings?: NewFinding[];
  url_analysis?: NewUrlAnalysis[];
}

export interface ScanWithDetails extends Scan {
  /** Most severe first, then by id. */
  findings: Finding[];
  url_analysis: UrlAnalysis[];
}

/** Fields `updateStatus` may change along with the status. */
export interface ScanStatusChanges {
  risk_score?: number | null;
  overall_severity?: Severity;
  verdict?: Verdict;
  layers_executed?: string[];
  errors?: string[];
  completed_at?: string | Date | null;
  duration_ms?: number | null;
}

export const scanOut = rowConverter<Scan>({
  id: "value",
  target: "value",
  skill_name: "nullable",
  skill_author: "nullable",
  skill_sha256: "nullable",
  status: "value",
  risk_score: "number",
  overall_severity: "nullable",
  verdict: "nullable",
  layers_executed: "list",
  errors: "list",
  started_at: "value",
  completed_at: "nullable",
  duration_ms: "number",
  created_at: "instant",
});
export const scanById = rowById("scans", scanOut);

export const SCAN_COLUMNS = scanOut.columns;

export const layerItem = (field: string, v: unknown) => oneOf(field, v, DETECTOR_LAYERS);
/** started_at/completed_at are text columns: a Date becomes ISO-8601, text is kept as given. */
export function scanTimeText(field: string, value: unknown): string {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new ValidationError(field, `${field} is an invalid Date`);
    return value.toISOString();
  }
  return nonEmptyText(field, value, COLUMN_LIMITS.scans.time_text);
}

/** Checks a scan and returns its column values, keys in SCAN_COLUMNS order. */
export function scanRecord(s: NewScan, now: Date, nowDb: string): Row {
  if (s === null || typeof s !== "object") throw new TypeError("a scan must be an object");
  return {
    id: s.id === undefined ? newId() : nonEmptyText("id", s.id, COLUMN_LIMITS.id),
    target: text("target", s.target),
    skill_name: textOrNullIn("skill_name", s.skill_name, COLUMN_LIMITS.scans.skill_name),
    skill_author: textOrNullIn("skill_author", s.skill_author, COLUMN_LIMITS.scans.skill_author),
    skill_sha256: textOrNullIn("skill_sha256", s.skill_sha256, COLUMN_LIMITS.scans.skill_sha256),
    status: s.status === undefined ? "pending" : oneOf("status", s.status, SCAN_STATUSES),
    risk_score: s.risk_score === undefined ? 0 : integerOrNull("risk_score", s.risk_score, 0),
    overall_severity:
      s.overall_severity === undefined ? "info" : oneOf("overall_severity", s.overall_severity, SEVERITIES),
    verdict: s.verdict === undefined ? "CLEAN" : oneOf("verdict", s.verdict, VERDICTS),
    layers_executed: jsonArrayIn("layers_executed", s.layers_executed, layerItem),
    errors: jsonArrayIn("errors", s.errors, stringItem),
    started_at: s.started_at === undefined ? now.toISOString() : scanTimeText("started_at", s.started_at),
    completed_at:
      s.completed_at === undefined || s.completed_at === null
        ? null
        : scanTimeText("completed_at", s.completed_at),
    duration_ms: integerOrNull("duration_ms", s.duration_ms, 0),
    created_at: s.created_at === undefined ? nowDb : instantIn("created_at", s.created_at),
  };
}
