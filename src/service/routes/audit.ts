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
        async (query) => {
          const { limit, offset, ...filter } = query;
          const [entries, total] = await Promise.all([
            app.repos.auditLog.query(query),
            app.repos.auditLog.count(filter),
          ]);
          return { entries, count: entries.length, total, limit, offset };
        },
      ),
    }),
  };
}
