/*
 * What the service answers, as zod schemas: the OpenAPI document is generated from these, and
 * its test checks real answers against them. Field names are the repositories' (column names).
 */
import { z } from "zod";
import { BACKEND_NAMES } from "../../backends/index.ts";
import { TOTAL_COUNT_CAP } from "../../repositories/index.ts";
import {
  category,
  detectorLayer,
  iocType,
  patternType,
  role,
  scanStatus,
  severity,
  verdict,
} from "./domain.ts";

/** The cap of the lists' `total`, as the descriptions print it ("1,000"). */
const CAP = TOTAL_COUNT_CAP.toLocaleString("en-US");

const instant = z.iso.datetime().describe("ISO-8601 UTC, milliseconds, ending in Z");
const strings = z.array(z.string());

export const fieldProblemOut = z.object({
  path: z.string().describe("The invalid field, e.g. findings[2].severity"),
  message: z.string(),
});

export const errorOut = z.looseObject({
  error: z.looseObject({
    code: z.string().describe("Stable, for programs: VALIDATION_ERROR, NOT_FOUND, …"),
    message: z.string().describe("For people; for validation errors, every field's problem"),
    fields: z.array(fieldProblemOut).optional().describe("Every invalid field, when the input was refused"),
    request_id: z
      .string()
      .describe("The X-Request-Id of this answer (the caller's when it is 1-128 chars of A-Za-z0-9._:-)"),
  }),
});

export const scanOut = z.object({
  id: z.string(),
  target: z.string(),
  skill_name: z.string().nullable(),
  skill_author: z.string().nullable(),
  skill_sha256: z.string().nullable(),
  status: scanStatus,
  risk_score: z.number().int().nullable(),
  overall_severity: severity.nullable(),
  verdict: verdict.nullable(),
  layers_executed: strings,
  errors: strings,
  started_at: z.string(),
  completed_at: z.string().nullable(),
  duration_ms: z.number().int().nullable(),
  created_at: instant,
});

export const findingOut = z.object({
  id: z.string(),
  rule_id: z.string(),
  title: z.string(),
  description: z.string(),
  severity,
  confidence: z.number(),
  category,
  detector_layer: detectorLayer,
  line_start: z.number().int().nullable(),
  line_end: z.number().int().nullable(),
  snippet: z.string().nullable(),
  evidence: strings,
  ioc_values: strings,
  remediation: z.string().nullable(),
  detected_at: instant,
});

export const urlAnalysisOut = z.object({
  id: z.string(),
  url: z.string(),
  final_url: z.string().nullable(),
  status_code: z.number().int().nullable(),
  content_type: z.string().nullable(),
  redirect_chain: strings,
  is_malicious: z.boolean(),
  risk_indicators: strings,
  domain_reputation: z.number().nullable(),
  fetched_at: instant,
});

export const scanWithDetailsOut = scanOut.extend({
  findings: z.array(findingOut).describe("Most severe first, then by id"),
  url_analysis: z.array(urlAnalysisOut),
});

export const scanListOut = z.object({
  scans: z.array(scanOut),
  count: z.number().int().describe("Scans on this page"),
  total: z
    .number()
    .int()
    .describe(
      `Scans matching the filters, counted up to ${CAP} (see total_exact); the cursor and offset do not change it`,
    ),
  total_exact: z.boolean().describe(`false: more than ${CAP} scans match, and total reads 'at least ${CAP}'`),
  next_cursor: z.string().nullable().describe("Pass as `cursor` for the next page; null on the last page"),
  limit: z.number().int(),
  offset: z.number().int(),
});

export const signatureOut = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  severity,
  category,
  pattern_type: patternType,
  pattern_value: z.string(),
  ioc_type: iocType.nullable(),
  campaign_id: z.string().nullable(),
  source: z.string(),
  enabled: z.boolean(),
  created_at: instant,
  updated_at: instant,
});

export const signatureListOut = z.object({ signatures: z.array(signatureOut), count: z.number().int() });

export const campaignOut = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  first_seen: z.string(),
  last_seen: z.string(),
  attributed_to: z.string().nullable(),
  iocs: strings,
  total_skills_affected: z.number().int().nullable(),
  status: z.string(),
  created_at: instant,
  updated_at: instant,
});

export const campaignWithSignaturesOut = campaignOut.extend({ signatures: z.array(signatureOut) });
export const campaignListOut = z.object({ campaigns: z.array(campaignOut), count: z.number().int() });

export const publisherOut = z.object({
  id: z.string(),
  display_name: z.string().nullable(),
  first_seen: z.string().nullable(),
  last_seen: z.string().nullable(),
  total_skills: z.number().int().nullable(),
  malicious_skills: z.number().int().nullable(),
  reputation_score: z.number().nullable(),
  is_known_threat_actor: z.boolean(),
  campaigns: strings,
  notes: z.string().nullable(),
  created_at: instant,
  updated_at: instant,
});

export const auditEntryOut = z.object({
  event_id: z.string(),
  timestamp: instant,
  event_type: z.string(),
  actor: z.string(),
  resource_type: z.string(),
  resource_id: z.string(),
  action: z.string(),
  details: z.record(z.string(), z.unknown()),
  ip_address: z.string(),
});

/** Paged like GET /scans: a capped total and a keyset cursor, so a call costs the same at any size. */
export const auditListOut = z.object({
  entries: z.array(auditEntryOut),
  count: z.number().int().describe("Entries on this page"),
  total: z
    .number()
    .int()
    .describe(
      `Entries matching the filters, counted up to ${CAP} (see total_exact); the cursor and offset do not change it`,
    ),
  total_exact: z
    .boolean()
    .describe(`false: more than ${CAP} entries match, and total reads 'at least ${CAP}'`),
  next_cursor: z.string().nullable().describe("Pass as `cursor` for the next page; null on the last page"),
  limit: z.number().int(),
  offset: z.number().int(),
});

export const apiKeyOut = z.object({
  id: z.string(),
  name: z.string(),
  role,
  created_at: instant,
  last_used: instant.nullable(),
  is_active: z.boolean().describe("false once revoked"),
});

export const apiKeyCreatedOut = apiKeyOut.extend({
  key: z.string().describe("The key itself: shown here once, stored only as a hash"),
});
export const apiKeyListOut = z.object({ keys: z.array(apiKeyOut), count: z.number().int() });
export const apiKeyRevokedOut = z.object({ key: apiKeyOut, revoked: z.literal(true) });

export const usageOut = z.object({
  from: instant,
  to: instant,
  total_requests: z.number().int().describe("Every request in the window, in all groups"),
  groups: z.array(
    z.object({
      api_key: z.string().nullable().describe("The key's id; null for requests without a key"),
      key_name: z.string().nullable(),
      endpoint: z.string(),
      method: z.string(),
      status_code: z.number().int().nullable(),
      requests: z.number().int(),
    }),
  ),
  count: z.number().int(),
});

/** Loose: health grows fields (pool, database) as the service learns to report them. */
export const healthOut = z.looseObject({
  status: z.string(),
  backend: z.enum(BACKEND_NAMES),
  schema_version: z.number().int(),
});

export const readyOut = z.looseObject({ status: z.literal("ready") });

export const openApiOut = z.looseObject({
  openapi: z.string(),
  info: z.looseObject({}),
  paths: z.looseObject({}),
});
