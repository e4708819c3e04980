import { z } from "zod";
import { COLUMN_LIMITS } from "../../repositories/index.ts";
import { decodeCursor } from "../scan-cursor.ts";
import {
  category,
  detectorLayer,
  id,
  int4,
  pageLimit,
  pageOffset,
  safeInt,
  scanStatus,
  severity,
  stringList,
  text,
  verdict,
} from "./domain.ts";

/** A finding as it travels inside a scan: the findings columns without scan_id. */
export const findingInput = z.strictObject({
  id: id.optional(),
  rule_id: text(COLUMN_LIMITS.findings.rule_id).min(1),
  title: text(COLUMN_LIMITS.findings.title).min(1),
  description: text(),
  severity,
  confidence: z.number().min(0).max(1),
  category,
  detector_layer: detectorLayer,
  line_start: int4.min(0).nullable().optional(),
  line_end: int4.min(0).nullable().optional(),
  snippet: text().nullable().optional(),
  evidence: stringList.optional(),
  ioc_values: stringList.optional(),
  remediation: text().nullable().optional(),
  // Stamped by the database when absent; accepted so a stored scan can be posted again verbatim.
  detected_at: z.iso.datetime({ offset: true }).optional(),
});

/**
 * A REAL column takes any finite double on PostgreSQL, but SQLite binds an integral double as an
 * INTEGER, and one beyond 2^53 cannot come back exact, so the backend refuses it. Every double
 * of that size is integral: bounding the value at ±(2^53 - 1) refuses exactly those, with the
 * field named, on both backends alike.
 */
const storableReal = z.number().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER);

/** A URL analysis inside a scan: the url_analysis columns without scan_id. */
export const urlAnalysisInput = z.strictObject({
  id: id.optional(),
  url: text().min(1),
  final_url: text().nullable().optional(),
  status_code: int4.min(0).nullable().optional(),
  content_type: text(COLUMN_LIMITS.url_analysis.content_type).nullable().optional(),
  redirect_chain: stringList.optional(),
  is_malicious: z.boolean().optional(),
  risk_indicators: stringList.optional(),
  domain_reputation: storableReal.nullable().optional(),
  fetched_at: z.iso.datetime({ offset: true }).optional(),
});

/** A bound at the door keeps both backends accepting the same scans (see COLUMN_LIMITS). */
export const MAX_TARGET_BYTES = COLUMN_LIMITS.scans.target_bytes;
const boundedTarget = text()
  .min(1)
  .refine((v) => Buffer.byteLength(v, "utf8") <= MAX_TARGET_BYTES, {
    message: `must be at most ${MAX_TARGET_BYTES} bytes of UTF-8`,
  });

export const scanInput = z
  .strictObject({
    // Optional: the server makes one when the client leaves it out.
    id: id.optional(),
    target: boundedTarget,
    skill_name: text(COLUMN_LIMITS.scans.skill_name).nullable().optional(),
    skill_author: text(COLUMN_LIMITS.scans.skill_author).nullable().optional(),
    skill_sha256: text(COLUMN_LIMITS.scans.skill_sha256).nullable().optional(),
    status: scanStatus.optional(),
    risk_score: safeInt.min(0).nullable().optional(),
    overall_severity: severity.optional(),
    verdict: verdict.optional(),
    layers_executed: z.array(detectorLayer).optional(),
    errors: stringList.optional(),
    started_at: text(COLUMN_LIMITS.scans.time_text).min(1),
    completed_at: text(COLUMN_LIMITS.scans.time_text).nullable().optional(),
    duration_ms: safeInt.min(0).nullable().optional(),
    created_at: z.iso.datetime({ offset: true }).optional(),
    findings: z.array(findingInput).default([]),
    url_analysis: z.array(urlAnalysisInput).default([]),
  })
  .superRefine((scan, ctx) => {
    // Duplicate child ids would fail as a primary-key clash deep in the transaction; name them here.
    const seen = new Set<string>();
    scan.findings.forEach((f, i) => {
      if (f.id === undefined) return;
      if (seen.has(f.id))
        ctx.addIssue({ code: "custom", path: ["findings", i, "id"], message: "duplicate finding id" });
      seen.add(f.id);
    });
    const seenUrls = new Set<string>();
    scan.url_analysis.forEach((u, i) => {
      if (u.id === undefined) return;
      if (seenUrls.has(u.id))
        ctx.addIssue({
          code: "custom",
          path: ["url_analysis", i, "id"],
          message: "duplicate url_analysis id",
        });
      seenUrls.add(u.id);
    });
    scan.findings.forEach((f, i) => {
      if (f.line_start != null && f.line_end != null && f.line_end < f.line_start) {
        ctx.addIssue({
          code: "custom",
          path: ["findings", i, "line_end"],
          message: "must not be before line_start",
        });
      }
    });
  });

export type ScanInput = z.infer<typeof scanInput>;

export const scanListQuery = z
  .strictObject({
    limit: pageLimit(50),
    offset: pageOffset,
    cursor: z
      .string()
      .max(2048)
      .optional()
      .describe("Where to continue: the next_cursor of the previous page (opaque)."),
    verdict: verdict.optional(),
    status: scanStatus.optional(),
    target: boundedTarget.optional().describe("Scans of exactly this target."),
    severity: severity.optional().describe("Scans whose overall_severity is this."),
    from: z.iso.datetime({ offset: true }).optional().describe("created_at at or after this instant."),
    to: z.iso.datetime({ offset: true }).optional().describe("created_at before this instant."),
  })
  .superRefine((q, ctx) => {
    if (q.cursor !== undefined && q.offset > 0)
      ctx.addIssue({ code: "custom", path: ["cursor"], message: "cannot be combined with offset" });
    if (q.cursor !== undefined && decodeCursor(q.cursor) === null)
      ctx.addIssue({ code: "custom", path: ["cursor"], message: "is not a cursor this service handed out" });
    if (q.from !== undefined && q.to !== undefined && Date.parse(q.from) > Date.parse(q.to))
      ctx.addIssue({ code: "custom", path: ["to"], message: "must not be before from" });
  });
export type ScanListQuery = z.infer<typeof scanListQuery>;
