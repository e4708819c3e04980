import { TOTAL_COUNT_CAP } from "../../repositories/index.ts";
import { endpoint } from "../endpoint.ts";
import { json } from "../json.ts";
import { bodyRoute, itemRoute, queryRoute } from "../route-shapes.ts";
import { decodeCursor, encodeCursor } from "../scan-cursor.ts";
import { scanJson } from "../scan-json.ts";
import * as out from "../schemas/responses.ts";
import { scanInput, scanListQuery } from "../schemas/scan.ts";
import type { ServiceApp } from "../service-app.ts";

export function scanRoutes(app: ServiceApp) {
  return {
    "/api/v1/scans": endpoint(app, {
      GET: queryRoute(
        "scans:read",
        {
          summary: "List scans, newest first",
          description:
            "Filters combine. Page with `cursor` (the previous page's next_cursor: the same cost on every page) or with `offset` (kept for compatibility; deep offsets cost more). `total` counts up to " +
            `${TOTAL_COUNT_CAP.toLocaleString("en-US")}.`,
          query: scanListQuery,
          responses: { 200: { description: "A page of scans", schema: out.scanListOut } },
        },
        async ({ cursor, ...query }) => {
          const after = cursor === undefined ? undefined : (decodeCursor(cursor) ?? undefined);
          const page = await app.listRepos.scans.listPage({ ...query, after });
          return {
            scans: page.scans,
            count: page.scans.length,
            total: page.total,
            total_exact: page.total_exact,
            next_cursor: page.next === null ? null : encodeCursor(page.next),
            limit: query.limit,
            offset: query.offset,
          };
        },
      ),
      POST: bodyRoute(
        "scans:write",
        {
          summary: "Store a scan with its findings, URL analyses and audit entry (one write)",
          body: scanInput,
          responses: { 201: { description: "The scan as stored", schema: out.scanWithDetailsOut } },
          errors: [409, 413, 415],
        },
        async (input, rc) => {
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
      ),
    }),
    "/api/v1/scans/:id": endpoint(app, {
      GET: itemRoute("scans:read", "Scan", {
        summary: "One scan with its findings (most severe first) and URL analyses",
        schema: out.scanWithDetailsOut,
        get: (id) => app.repos.scans.getScanWithDetails(id),
        view: scanJson,
      }),
    }),
  };
}
