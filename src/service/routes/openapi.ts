import { z } from "zod";
import packageJson from "../../../package.json" with { type: "json" };
import type { Endpoint } from "../endpoint.ts";
import { endpoint } from "../endpoint.ts";
import { json } from "../json.ts";
import { type ExtraRoute, openApiDocument } from "../openapi/openapi-document.ts";
import { openApiOut } from "../schemas/responses.ts";
import type { ServiceApp } from "../service-app.ts";

/** Served at the root by the metrics exporter, outside /api/v1; described here so clients find it. */
const ROOT_ROUTES: ExtraRoute[] = [
  {
    path: "/metrics",
    method: "GET",
    anonymous: true,
    doc: {
      summary: "Prometheus metrics (text exposition format), anonymous like health",
      responses: {
        200: { description: "Metrics", schema: z.string(), contentType: "text/plain; version=0.0.4" },
      },
    },
  },
];

/**
 * GET /api/v1/openapi.json: built once, on first request, from the route table the server
 * mounted (so it lists exactly the routes served), and kept: the table does not change.
 */
export function openApiRoutes(app: ServiceApp, table: () => Record<string, Endpoint>) {
  let document: Record<string, unknown> | null = null;
  return {
    "/api/v1/openapi.json": endpoint(app, {
      GET: {
        permission: null,
        doc: {
          summary: "This document: OpenAPI 3.1, generated from the schemas that validate requests",
          responses: { 200: { description: "The OpenAPI document", schema: openApiOut } },
        },
        async handle() {
          document ??= openApiDocument(
            table(),
            { title: "malwar storage service", version: packageJson.version },
            ROOT_ROUTES,
          );
          return json(document);
        },
      },
    }),
  };
}
