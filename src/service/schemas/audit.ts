import { z } from "zod";
import { COLUMN_LIMITS } from "../../repositories/index.ts";
import { decodeAuditCursor } from "../audit-cursor.ts";
import { pageLimit, pageOffset, text } from "./domain.ts";

export const auditQuery = z
  .strictObject({
    event_type: text(COLUMN_LIMITS.audit_log.event_type).optional(),
    actor: text(COLUMN_LIMITS.audit_log.actor).optional(),
    resource_type: text(COLUMN_LIMITS.audit_log.resource_type).optional(),
    resource_id: text(COLUMN_LIMITS.audit_log.resource_id).optional(),
    since: z.iso.datetime({ offset: true }).optional(),
    until: z.iso.datetime({ offset: true }).optional(),
    limit: pageLimit(100),
    offset: pageOffset,
    cursor: z
      .string()
      .max(1024)
      .optional()
      .describe("next_cursor of the previous page: continues after its last entry (keyset)"),
  })
  .superRefine((q, ctx) => {
    if (q.cursor !== undefined && q.offset > 0)
      ctx.addIssue({ code: "custom", path: ["cursor"], message: "cannot be combined with offset" });
    if (q.cursor !== undefined && decodeAuditCursor(q.cursor) === null)
      ctx.addIssue({ code: "custom", path: ["cursor"], message: "is not a cursor this service handed out" });
  });
export type AuditQuery = z.infer<typeof auditQuery>;
