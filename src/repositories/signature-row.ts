import type { Row } from "../backends/index.ts";
import type { Category, IocType, PatternType, Severity } from "./domain.ts";
import { flagOut, type Instant, instantOut, textOrNull } from "./row-convert.ts";

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

export interface NewSignature {
  id?: string;
  name: string;
  description: string;
  severity: Severity;
  category: Category;
  pattern_type: PatternType;
  pattern_value: string;
  ioc_type?: IocType | null;
  campaign_id?: string | null;
  source?: string;
  enabled?: boolean;
}

export type SignatureChanges = Partial<Omit<NewSignature, "id">>;

export function signatureOut(r: Row): Signature {
  return {
    id: r.id as string,
    name: r.name as string,
    description: r.description as string,
    severity: r.severity as Severity,
    category: r.category as Category,
    pattern_type: r.pattern_type as PatternType,
    pattern_value: r.pattern_value as string,
    ioc_type: textOrNull(r.ioc_type) as IocType | null,
    campaign_id: textOrNull(r.campaign_id),
    source: r.source as string,
    enabled: flagOut(r.enabled),
    created_at: instantOut(r.created_at),
    updated_at: instantOut(r.updated_at),
  };
}
