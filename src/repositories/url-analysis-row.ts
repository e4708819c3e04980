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
  stringItem,
  text,
  textOrNullIn,
} from "./domain.ts";
import { rowById } from "./query-parts.ts";
import { type Instant, rowConverter } from "./row-convert.ts";
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

export const urlAnalysisOut = rowConverter<UrlAnalysis>({
  id: "value",
  scan_id: "value",
  url: "value",
  final_url: "nullable",
  status_code: "number",
  content_type: "nullable",
  redirect_chain: "list",
  is_malicious: "flag",
  risk_indicators: "list",
  domain_reputation: "number",
  fetched_at: "instant",
});
export const urlAnalysisById = rowById("url_analysis", urlAnalysisOut);

export const URL_ANALYSIS_COLUMNS = urlAnalysisOut.columns;

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
