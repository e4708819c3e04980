import { endpoint } from "../endpoint.ts";
import { json } from "../json.ts";
import { readJsonBody } from "../read-body.ts";
import { itemRoute, listRoute } from "../read-routes.ts";
import { scanJson } from "../scan-json.ts";
import { parseOrThrow } from "../schemas/parse.ts";
import { scanInput, scanListQuery } from "../schemas/scan.ts";
import type { ServiceApp } from "../service-app.ts";

export function scanRoutes(app: ServiceApp) {
  return {
    "/api/v1/scans": endpoint(app, {
      GET: listRoute("scans:read", scanListQuery, "scans", (query) => app.repos.scans.listRecent(query)),
      POST: {
        permission: "scans:write",
        async handle(rc) {
          const input = parseOrThrow(scanInput, await readJsonBody(rc.req));
          const stored = await app.change(rc, async (repos) => {
            const scan = await repos.scans.saveScan(input);
            return {
              result: scan,
              audit: {
                event_type: "scan_created",
                resource_type: "scan",
                resource_id: scan.id,
                action: "create",
                details: {
                  verdict: scan.verdict,
                  findings: scan.findings.length,
                  url_analysis: scan.url_analysis.length,
                },
              },
            };
          });
          return json(scanJson(stored), 201, { location: `/api/v1/scans/${encodeURIComponent(stored.id)}` });
        },
      },
    }),
    "/api/v1/scans/:id": endpoint(app, {
      GET: itemRoute("scans:read", "Scan", (id) => app.repos.scans.getScanWithDetails(id), scanJson),
    }),
  };
}
