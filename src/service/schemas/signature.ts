import { z } from "zod";
import { COLUMN_LIMITS } from "../../repositories/index.ts";
import { category, id, iocType, pageLimit, pageOffset, patternType, severity, text } from "./domain.ts";
import { invalidFields } from "./parse.ts";

const signatureFields = {
  name: text(COLUMN_LIMITS.signatures.name).min(1),
  description: text(),
  severity,
  category,
  pattern_type: patternType,
  pattern_value: text().min(1),
  ioc_type: iocType.nullable().optional(),
  campaign_id: id.nullable().optional(),
  source: text(COLUMN_LIMITS.signatures.source).min(1).optional(),
  enabled: z.boolean().optional(),
};

/** Throws a 400 naming pattern_value when a regex signature's pattern does not compile. */
export function checkPattern(type: string, value: string): void {
  if (type !== "regex") return;
  try {
    new RegExp(value);
  } catch {
    throw invalidFields([{ path: "pattern_value", message: "is not a valid regular expression" }]);
  }
}

function checkRegex(
  value: { pattern_type?: string | undefined; pattern_value?: string | undefined },
  ctx: z.RefinementCtx,
): void {
  if (value.pattern_type !== "regex" || value.pattern_value === undefined) return;
  try {
    new RegExp(value.pattern_value);
  } catch {
    ctx.addIssue({ code: "custom", path: ["pattern_value"], message: "is not a valid regular expression" });
  }
}

/** POST: the id may be chosen by the client (seed ids are readable slugs) or left to the server. */
export const signatureCreate = z
  .strictObject({ id: id.optional(), ...signatureFields })
  .superRefine(checkRegex);

/** PUT: every field optional, at least one given; the id comes from the path. */
export const signatureUpdate = z
  .strictObject({
    name: signatureFields.name.optional(),
    description: signatureFields.description.optional(),
    severity: severity.optional(),
    category: category.optional(),
    pattern_type: patternType.optional(),
    pattern_value: signatureFields.pattern_value.optional(),
    ioc_type: signatureFields.ioc_type,
    campaign_id: signatureFields.campaign_id,
    source: signatureFields.source,
    enabled: signatureFields.enabled,
  })
  .superRefine(checkRegex)
  .refine((v) => Object.keys(v).length > 0, { message: "at least one field to change is required" });

export const signatureListQuery = z.strictObject({
  // The repositories cap a page at 500 rows.
  limit: pageLimit(200),
  offset: pageOffset,
  search: text(255).optional(),
  category: category.optional(),
  severity: severity.optional(),
  campaign_id: id.optional(),
  enabled: z
    .enum(["true", "false"])
    .transform((v) => v === "true")
    .optional(),
});
