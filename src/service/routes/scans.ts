import { endpoint } from "../endpoint.ts";
import { notFound } from "../http-error.ts";
import { json } from "../json.ts";
import { readJsonBody } from "../read-body.ts";
import { scanJson } from "../scan-json.ts";
import { parseOrThrow, queryObject } from "../schemas/parse.ts";
import { scanInput, scanListQuery } from "../schemas/scan.ts";
import type { ServiceApp } from "../service-app.ts";

export function scanRoutes(app: ServiceApp) {
  return {
    "/api/v1/scans": endpoint(app, {
      GET: {
        permission: "scans:read",
        async handle({ url }) {
          const query = parseOrThrow(scanListQuery, queryObject(url), "query");
          const scans = await app.listRepos.scans.listRecent(query);
          return json({ scans, count: scans.length });
        },
      },
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
      GET: {
        permission: "scans:read",
        async handle({ params }) {
          const id = params.id ?? "";
          const scan = await app.repos.scans.getScanWithDetails(id);
          if (scan === null) throw notFound(`Scan ${id} not found.`);
          return json(scanJson(scan));
        },
      },
    }),
  };
}
