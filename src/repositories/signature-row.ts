import type { Category, IocType, PatternType, Severity } from "./domain.ts";
import { rowById } from "./query-parts.ts";
import { type Instant, rowConverter } from "./row-convert.ts";

export interface Signature {
  id: string;
  name: string;
  description: string;
  severity: Severity;
  category: Category;
  pattern_type: PatternType;
  pattern_value: string;
  ioc_type: IocType | null;
  campaign_id: string | null;
  source: string;
  enabled: boolean;
  created_at: Instant;
  updated_at: Instant;
}

/** A signature to store: its id, source and flags may be left to their defaults. */
export interface NewSignature
  extends Pick<
      Signature,
      "name" | "description" | "severity" | "category" | "pattern_type" | "pattern_value"
    >,
    Partial<Pick<Signature, "id" | "ioc_type" | "campaign_id" | "source" | "enabled">> {}

export type SignatureChanges = Partial<Omit<NewSignature, "id">>;

export const signatureOut = rowConverter<Signature>({
  id: "value",
  name: "value",
  description: "value",
  severity: "value",
  category: "value",
  pattern_type: "value",
  pattern_value: "value",
  ioc_type: "nullable",
  campaign_id: "nullable",
  source: "value",
  enabled: "flag",
  created_at: "instant",
  updated_at: "instant",
});
export const signatureById = rowById("signatures", signatureOut);
