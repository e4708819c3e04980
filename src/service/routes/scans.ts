import { endpoint } from "../endpoint.ts";
import { notFound } from "../http-error.ts";
import { json } from "../json.ts";
import { readJsonBody } from "../read-body.ts";
import { decodeCursor, encodeCursor } from "../scan-cursor.ts";
import { scanJson } from "../scan-json.ts";
import { parseOrThrow, queryObject } from "../schemas/parse.ts";
import * as out from "../schemas/responses.ts";
import { scanInput, scanListQuery } from "../schemas/scan.ts";
import type { ServiceApp } from "../service-app.ts";

export function scanRoutes(app: ServiceApp) {
  return {
    "/api/v1/scans": endpoint(app, {
      GET: {
        permission: "scans:read",
        doc: {
          summary: "List scans, newest first",
          description:
            "Filters combine. Page with `cursor` (the previous page's next_cursor: the same cost on every page) or with `offset` (kept for compatibility; deep offsets cost more). `total` counts up to 10,000.",
          query: scanListQuery,
          responses: { 200: { description: "A page of scans", schema: out.scanListOut } },
        },
        async handle({ url }) {
          const { cursor, ...query } = parseOrThrow(scanListQuery, queryObject(url), "query");
          const after = cursor === undefined ? undefined : (decodeCursor(cursor) ?? undefined);
          const page = await app.listRepos.scans.listPage({ ...query, after });
          return json({
            scans: page.scans,
            count: page.scans.length,
            total: page.total,
            total_exact: page.total_exact,
            next_cursor: page.next === null ? null : encodeCursor(page.next),
            limit: query.limit,
            offset: query.offset,
          });
        },
      },
      POST: {
        permission: "scans:write",
        doc: {
          summary: "Store a scan with its findings and URL analyses (one transaction)",
          body: scanInput,
          responses: { 201: { description: "The scan as stored", schema: out.scanWithDetailsOut } },
          errors: [409, 413, 415],
        },
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
        doc: {
          summary: "One scan with its findings (most severe first) and URL analyses",
          responses: { 200: { description: "The scan", schema: out.scanWithDetailsOut } },
          errors: [404],
        },
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
