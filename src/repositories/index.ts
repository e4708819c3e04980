export * from "./api-key-repository.ts";
export * from "./api-usage-repository.ts";
export * from "./audit-log-repository.ts";
export * from "./campaign-repository.ts";
export { COLUMN_LIMITS } from "./column-limits.ts";
export {
  API_KEY_ROLES,
  type ApiKeyRole,
  CATEGORIES,
  type Category,
  DETECTOR_LAYERS,
  type DetectorLayer,
  type InstantInput,
  IOC_TYPES,
  type IocType,
  PATTERN_TYPES,
  type PatternType,
  SCAN_STATUSES,
  type ScanStatus,
  SEVERITIES,
  SEVERITY_RANK,
  type Severity,
  VERDICTS,
  type Verdict,
} from "./domain.ts";
export * from "./finding-repository.ts";
export type { Finding, NewFinding } from "./finding-row.ts";
export { type CappedTotal, MAX_PAGE_SIZE, type PageOptions, TOTAL_COUNT_CAP } from "./paging.ts";
export { DEFAULT_PRUNE_BATCH, type PruneOptions } from "./prune-batches.ts";
export * from "./publisher-repository.ts";
export * from "./repositories.ts";
export * from "./retention.ts";
export type { Instant } from "./row-convert.ts";
export type { ScanCursor, ScanFilter, ScanPage, ScanPageOptions } from "./scan-listing.ts";
export * from "./scan-repository.ts";
export type { NewScan, NewScanWithDetails, Scan, ScanStatusChanges, ScanWithDetails } from "./scan-row.ts";
export * from "./scheduled-job-repository.ts";
export * from "./schema-repository.ts";
export * from "./signature-repository.ts";
export type { NewSignature, Signature, SignatureChanges } from "./signature-row.ts";
export * from "./table-catalog.ts";
export { canonicalRow, writtenRow } from "./table-rows.ts";
export * from "./url-analysis-repository.ts";
export type { NewUrlAnalysis, UrlAnalysis } from "./url-analysis-row.ts";
