/* URL analyses: row type, input checks and conversion, shared by UrlAnalysisRepository and ScanRepository. */
import type { Row } from "../backends/index.ts";
import { COLUMN_LIMITS } from "./column-limits.ts";
import {
  bool,
  finiteOrNull,
  type InstantInput,
  instantIn,
  int32OrNull,
  jsonArrayIn,
  nonEmptyText,
  text,
  textOrNullIn,
} from "./domain.ts";
import {
  flagOut,
  type Instant,
  instantOut,
  intOrNull,
  jsonArrayOut,
  numOrNull,
  textOrNull,
} from "./row-convert.ts";
import { newId } from "./write-errors.ts";

export interface UrlAnalysis {
  id: string;
  scan_id: string;
  url: string;
  final_url: string | null;
  status_code: number | null;
  content_type: string | null;
  redirect_chain: string[];
  /** A NULL left by an older writer reads as false. */
  is_malicious: boolean;
  risk_indicators: string[];
  domain_reputation: number | null;
  fetched_at: Instant;
}

/** A URL analysis to store; `scan_id` comes from the scan it belongs to. */
export interface NewUrlAnalysis {
  id?: string;
  url: string;
  final_url?: string | null;
  status_code?: number | null;
  content_type?: string | null;
  redirect_chain?: string[];
  is_malicious?: boolean;
  risk_indicators?: string[];
  domain_reputation?: number | null;
  /** Defaults to the time of the write. */
  fetched_at?: InstantInput;
}

export const URL_ANALYSIS_COLUMNS = [
  "id",
  "scan_id",
  "url",
  "final_url",
  "status_code",
  "content_type",
  "redirect_chain",
  "is_malicious",
  "risk_indicators",
  "domain_reputation",
  "fetched_at",
] as const;

const stringItem = (field: string, v: unknown) => text(field, v);

/** Checks one URL analysis and returns its column values, keys in URL_ANALYSIS_COLUMNS order. */
export function urlAnalysisRecord(scanId: string, u: NewUrlAnalysis, now: string): Row {
  if (u === null || typeof u !== "object") throw new TypeError("a URL analysis must be an object");
  return {
    id: u.id === undefined ? newId() : nonEmptyText("id", u.id, COLUMN_LIMITS.id),
    scan_id: scanId,
    url: text("url", u.url),
    final_url: textOrNullIn("final_url", u.final_url),
    status_code: int32OrNull("status_code", u.status_code),
    content_type: textOrNullIn("content_type", u.content_type, COLUMN_LIMITS.url_analysis.content_type),
    redirect_chain: jsonArrayIn("redirect_chain", u.redirect_chain, stringItem),
    is_malicious: u.is_malicious === undefined ? false : bool("is_malicious", u.is_malicious),
    risk_indicators: jsonArrayIn("risk_indicators", u.risk_indicators, stringItem),
    domain_reputation: finiteOrNull("domain_reputation", u.domain_reputation),
    fetched_at: u.fetched_at === undefined ? now : instantIn("fetched_at", u.fetched_at),
  };
}

export function urlAnalysisOut(r: Row): UrlAnalysis {
  return {
    id: r.id as string,
    scan_id: r.scan_id as string,
    url: r.url as string,
    final_url: textOrNull(r.final_url),
    status_code: intOrNull(r.status_code),
    content_type: textOrNull(r.content_type),
    redirect_chain: jsonArrayOut<string>(r.redirect_chain),
    is_malicious: flagOut(r.is_malicious),
    risk_indicators: jsonArrayOut<string>(r.risk_indicators),
    domain_reputation: numOrNull(r.domain_reputation),
    fetched_at: instantOut(r.fetched_at),
  };
}
