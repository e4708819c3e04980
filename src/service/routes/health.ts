import { probeDatabase } from "../database-probe.ts";
import { endpoint } from "../endpoint.ts";
import { errorBody, json } from "../json.ts";
import * as out from "../schemas/responses.ts";
import type { ServiceApp } from "../service-app.ts";

/** How long GET /health waits for the database before saying it is down (liveness: under 1 s). */
const HEALTH_PROBE_MS = 500;

/**
 * Probes answer without a key: orchestrators and load balancers call them anonymously.
 * /health is liveness: 200 while this process serves, whatever the database does (restarting a
 * service whose database is down helps nothing); /ready is readiness: 503 while the database
 * does not answer, so a load balancer sends traffic elsewhere.
 */
export function healthRoutes(app: ServiceApp) {
  return {
    "/api/v1/health": endpoint(app, {
      GET: {
        permission: null,
        doc: {
          summary: "Liveness: the process serves; names the backend and schema version",
          responses: { 200: { description: "Alive", schema: out.healthOut } },
        },
        async handle() {
          const backend = app.backend;
          const db = await app.databaseHealth.check(HEALTH_PROBE_MS);
          const body: Record<string, unknown> = {
            status: "ok",
            backend: backend.backendName,
            schema_version: db.schemaVersion,
            database: db.database,
          };
          if (backend.capabilities.pooled) {
            const stats = backend.poolStats();
            body.pool = { open: stats.open, idle: stats.idle, max: stats.max };
          }
          return json(body);
        },
      },
    }),
    "/api/v1/ready": endpoint(app, {
      GET: {
        permission: null,
        doc: {
          summary: "Readiness: 200 while the database answers, else 503",
          responses: {
            200: { description: "Ready", schema: out.readyOut },
            503: { description: "The database does not answer", schema: out.errorOut },
          },
        },
        async handle() {
          const result = await probeDatabase(app.backend, app.readyTimeoutMs);
          if (result.ready) return json({ status: "ready" });
          if (result.reason === "fault") {
            return json(errorBody("STORAGE_FAULT", `Not ready: ${result.cause}.`), 503);
          }
          const message =
            result.reason === "timeout"
              ? "The database did not answer in time."
              : result.reason === "read-only"
                ? `The database cannot take writes: ${result.detail}.`
                : "The database is not answering.";
          return json(errorBody("NOT_READY", message), 503);
        },
      },
    }),
  };
}
