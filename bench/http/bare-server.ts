/**
 * W6's yardstick: a bare Bun.serve doing the same repository call per request as the service's
 * route (getScanWithDetails for GET, saveScan for POST) with no validation, auth, audit or usage
 * counting, so the difference from the service is the HTTP layer's own cost.
 */
import type { DatabaseBackend } from "../../src/backends/database-backend.ts";
import { type NewScanWithDetails, ScanRepository } from "../../src/repositories/index.ts";

export function startBareServer(backend: DatabaseBackend): { url: string; stop(): Promise<void> } {
  const scans = new ScanRepository(backend);
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    routes: {
      "/api/v1/scans/:id": {
        GET: async (req) => {
          const scan = await scans.getScanWithDetails(req.params.id);
          return scan === null ? Response.json({ error: "not found" }, { status: 404 }) : Response.json(scan);
        },
      },
      "/api/v1/scans": {
        POST: async (req) => {
          const stored = await scans.saveScan((await req.json()) as NewScanWithDetails);
          return Response.json(stored, { status: 201 });
        },
      },
    },
    fetch: () => new Response("not found", { status: 404 }),
  });
  return {
    url: `http://127.0.0.1:${server.port}`,
    stop: () => server.stop(true),
  };
}
