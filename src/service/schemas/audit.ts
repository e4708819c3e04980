import { z } from "zod";
import { text } from "./domain.ts";

export const auditQuery = z.strictObject({
  event_type: text(64).optional(),
  actor: text(128).optional(),
  resource_type: text(64).optional(),
  resource_id: text(255).optional(),
  since: z.iso.datetime({ offset: true }).optional(),
  until: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).default(0),
  /** next_cursor of the previous page: continues after its last entry (keyset). */
  cursor: z.string().max(1024).optional(),
});
export type AuditQuery = z.infer<typeof auditQuery>;
