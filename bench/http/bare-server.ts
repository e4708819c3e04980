/**
 * W6's yardstick: a bare Bun.serve doing the same repository work per request as the service's
 * route with no validation, auth or usage counting, so the difference from the service is the
 * HTTP layer's own cost. For GET that is getScanWithDetails; for POST, saveScan and the audit
 * row that DESIGN.md requires of every change, in one transaction, as the service writes them
 * (leaving the audit row out would charge a storage write the contract demands to the HTTP layer).
 */
import type { DatabaseBackend } from "../../src/backends/database-backend.ts";
import { JoinedTransaction } from "../../src/backends/joined-transaction.ts";
import { AuditLogRepository, type NewScanWithDetails, ScanRepository } from "../../src/repositories/index.ts";

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
        POST: async (req, srv) => {
          const input = (await req.json()) as NewScanWithDetails;
          const ip = srv.requestIP(req)?.address ?? "";
          // The same statements as the service: scan, findings and audit row in one transaction,
          // saveScan joining it rather than opening a savepoint.
          const stored = await backend.transaction(async (tx) => {
            const flat = new JoinedTransaction(tx);
            const scan = await new ScanRepository(flat).saveScan(input);
            await new AuditLogRepository(flat).append({
              event_type: "scan_created",
              actor: "anonymous",
              resource_type: "scan",
              resource_id: scan.id,
              action: "create",
              details: {
                method: "POST",
                path: "/api/v1/scans",
                role: "admin",
                verdict: scan.verdict,
                findings: scan.findings.length,
                url_analysis: scan.url_analysis.length,
              },
              ip_address: ip,
            });
            return scan;
          });
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
