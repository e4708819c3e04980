import { decodeAuditCursor, encodeAuditCursor } from "../audit-cursor.ts";
import { endpoint } from "../endpoint.ts";
import { queryRoute } from "../route-shapes.ts";
import { auditQuery } from "../schemas/audit.ts";
import * as out from "../schemas/responses.ts";
import type { ServiceApp } from "../service-app.ts";

export function auditRoutes(app: ServiceApp) {
  return {
    "/api/v1/audit": endpoint(app, {
      GET: queryRoute(
        "audit:read",
        {
          summary: "The audit trail: every change, who made it and from where",
          query: auditQuery,
          responses: { 200: { description: "Audit entries, newest first", schema: out.auditListOut } },
        },
        async ({ cursor, ...query }) => {
          // Checked by the schema: a cursor that does not decode never gets here.
          const after = cursor === undefined ? undefined : (decodeAuditCursor(cursor) ?? undefined);
          // `total` is capped (TOTAL_COUNT_CAP, with total_exact) so that a call costs the same
          // at a thousand rows and at millions; next_cursor pages at a flat cost too.
          const page = await app.listRepos.auditLog.queryPage({ ...query, after });
          return {
            entries: page.entries,
            count: page.entries.length,
            total: page.total,
            total_exact: page.total_exact,
            next_cursor: page.next === null ? null : encodeAuditCursor(page.next),
            limit: query.limit,
            offset: query.offset,
          };
        },
      ),
    }),
  };
}
