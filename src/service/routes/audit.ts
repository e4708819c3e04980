import { endpoint } from "../endpoint.ts";
import { json } from "../json.ts";
import { auditQuery } from "../schemas/audit.ts";
import { parseOrThrow, queryObject } from "../schemas/parse.ts";
import * as out from "../schemas/responses.ts";
import type { ServiceApp } from "../service-app.ts";

export function auditRoutes(app: ServiceApp) {
  return {
    "/api/v1/audit": endpoint(app, {
      GET: {
        permission: "audit:read",
        doc: {
          summary: "The audit trail: every change, who made it and from where",
          query: auditQuery,
          responses: { 200: { description: "Audit entries, newest first", schema: out.auditListOut } },
        },
        async handle({ url }) {
          const query = parseOrThrow(auditQuery, queryObject(url), "query");
          const { limit, offset, ...filter } = query;
          const [entries, total] = await Promise.all([
            app.listRepos.auditLog.query(query),
            app.listRepos.auditLog.count(filter),
          ]);
          return json({ entries, count: entries.length, total, limit, offset });
        },
      },
    }),
  };
}
