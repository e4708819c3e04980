import { z } from "zod";
import { COLUMN_LIMITS } from "../../repositories/index.ts";
import { pageLimit, pageOffset, text } from "./domain.ts";

export const auditQuery = z.strictObject({
  event_type: text(COLUMN_LIMITS.audit_log.event_type).optional(),
  actor: text(COLUMN_LIMITS.audit_log.actor).optional(),
  resource_type: text(COLUMN_LIMITS.audit_log.resource_type).optional(),
  resource_id: text(COLUMN_LIMITS.audit_log.resource_id).optional(),
  since: z.iso.datetime({ offset: true }).optional(),
  until: z.iso.datetime({ offset: true }).optional(),
  limit: pageLimit(100),
  offset: pageOffset,
});
export type AuditQuery = z.infer<typeof auditQuery>;
