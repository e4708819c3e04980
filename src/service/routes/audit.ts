import { endpoint } from "../endpoint.ts";
import { queryRoute } from "../read-routes.ts";
import { auditQuery } from "../schemas/audit.ts";
import type { ServiceApp } from "../service-app.ts";

export function auditRoutes(app: ServiceApp) {
  return {
    "/api/v1/audit": endpoint(app, {
      GET: queryRoute("audit:read", auditQuery, async (query) => {
        const { limit, offset, ...filter } = query;
        const [entries, total] = await Promise.all([
          app.repos.auditLog.query(query),
          app.repos.auditLog.count(filter),
        ]);
        return { entries, count: entries.length, total, limit, offset };
      }),
    }),
  };
}
