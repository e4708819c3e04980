import { endpoint } from "../endpoint.ts";
import { queryRoute } from "../route-shapes.ts";
import * as out from "../schemas/responses.ts";
import { usageQuery, usageWindow } from "../schemas/usage.ts";
import type { ServiceApp } from "../service-app.ts";

export function usageRoutes(app: ServiceApp) {
  return {
    "/api/v1/usage": endpoint(app, {
      GET: queryRoute(
        "usage:read",
        {
          summary: "Request counts by key, endpoint, method and status over a time window",
          query: usageQuery,
          responses: { 200: { description: "Counts, largest groups first", schema: out.usageOut } },
        },
        async (query) => {
          const { from, to } = usageWindow(query);
          // Counts still in this process's buffer belong to the window too.
          await app.usage.flush();
          const summary = await app.listRepos.apiUsage.summary({
            since: from,
            until: to,
            api_key: query.api_key,
            endpoint: query.endpoint,
            limit: query.limit,
          });
          return {
            from: from.toISOString(),
            to: to.toISOString(),
            total_requests: summary.total_requests,
            groups: summary.groups,
            count: summary.groups.length,
          };
        },
      ),
    }),
  };
}
