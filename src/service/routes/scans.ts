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
          const scans = await app.repos.scans.listRecent(query);
          return json({ scans, count: scans.length });
        },
      },
      POST: {
        permission: "scans:write",
        async handle(rc) {
          const input = parseOrThrow(scanInput, await readJsonBody(rc.req));
          // The scan, its findings, URL analyses and audit entry as one write: one statement
          // (one round trip, no BEGIN/COMMIT) on PostgreSQL, one transaction on SQLite.
          const stored = await app.repos.scans.saveScan(input, {
            audit: (scan, counts) =>
              app.auditEntry(rc, {
                event_type: "scan_created",
                resource_type: "scan",
                resource_id: scan.id,
                action: "create",
                details: { verdict: scan.verdict, ...counts },
              }),
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
