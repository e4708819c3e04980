import type { DatabaseBackend } from "../backends/index.ts";
import type { Logger } from "../log/index.ts";
import { type Endpoint, notFoundHandler } from "./endpoint.ts";
import { errorResponse } from "./error-response.ts";
import { observeRoute } from "./observability/observe-route.ts";
import { REQUEST_ID_HEADER } from "./observability/request-trace.ts";
import { UNMATCHED_ROUTE } from "./observability/service-metrics.ts";
import { MAX_BODY_BYTES } from "./read-body.ts";
import {
  type RetentionSchedule,
  type RetentionScheduleOptions,
  scheduleRetention,
} from "./retention-schedule.ts";
import { type ExtraRoutes, routeTable } from "./route-table.ts";
import { metricsRoutes } from "./routes/metrics.ts";
import { createServiceApp, type ServiceApp } from "./service-app.ts";

export type { ExtraRoutes } from "./route-table.ts";

export interface StartServiceOptions {
  /** An open (and migrated) backend. The service uses it but does not own it: closing it is the caller's job. */
  backend: DatabaseBackend;
  host?: string;
  /** 0 picks a free port; the chosen one is in `url`. */
  port?: number;
  /** Where request lines and failures are logged (default: the process's logger, src/log). */
  logger?: Logger;
  /** Routes mounted next to the API's own (an embedding server's, or a test's). */
  extraRoutes?: ExtraRoutes;
  /** Deadline for GET /ready's `select 1`. */
  readyTimeoutMs?: number;
  /**
   * Days of api_usage and audit_log rows to keep (MALWAR_RETENTION_DAYS): older rows are pruned
   * soon after start and then every `intervalMs` (default one hour). Unset or 0 days: kept forever.
   */
  retention?: Omit<RetentionScheduleOptions, "backend" | "logger" | "onRun">;
  /** api_usage batching: entries per insert batch and the longest an entry waits. */
  usageBatchSize?: number;
  usageIntervalMs?: number;
}

export interface RunningService {
  server: Bun.Server<undefined>;
  /** Base URL, e.g. http://127.0.0.1:8000 (the API lives under /api/v1). */
  url: string;
  app: ServiceApp;
  /** What is mounted, by path (read by the OpenAPI test). */
  routes: Record<string, Endpoint>;
  /**
   * Stops accepting connections, lets in-flight requests finish (up to `timeoutMs`, then cuts
   * them), and writes the usage counts still buffered. Does not close the backend.
   */
  stop(options?: { timeoutMs?: number }): Promise<void>;
}

/**
 * Bun gets a body cap above ours so that our own check answers first with the JSON error; a
 * body past Bun's cap would otherwise get Bun's empty 413.
 */
const BUN_BODY_CAP = MAX_BODY_BYTES * 4;

export function startService(options: StartServiceOptions): RunningService {
  const app = createServiceApp({
    backend: options.backend,
    logger: options.logger,
    readyTimeoutMs: options.readyTimeoutMs,
    usageBatchSize: options.usageBatchSize,
    usageIntervalMs: options.usageIntervalMs,
  });
  const routes = routeTable(app, options.extraRoutes);
  // /metrics is served at the root, outside the route table (the OpenAPI document describes it
  // by hand). Each key is a route template: it names the request in logs and metrics.
  const observed = Object.fromEntries(
    Object.entries({ ...routes, ...metricsRoutes(app) }).map(([route, handler]) => [
      route,
      observeRoute(app, route, handler),
    ]),
  );
  let server: Bun.Server<undefined>;
  try {
    server = Bun.serve({
      hostname: options.host ?? "127.0.0.1",
      port: options.port ?? 8000,
      maxRequestBodySize: BUN_BODY_CAP,
      routes: observed,
      fetch: observeRoute(app, UNMATCHED_ROUTE, notFoundHandler(app)),
      // Only reached if a handler throws past observeRoute: no request to take an id from.
      error: (error) => {
        const id = crypto.randomUUID();
        const response = errorResponse(error, app.logger, id);
        response.headers.set(REQUEST_ID_HEADER, id);
        return response;
      },
    });
  } catch (error) {
    // The port is taken (or similar): the app's key listener holds a connection of the caller's
    // backend, which must not outlive a service that never started.
    void app.close().catch(() => {});
    throw error;
  }
  const retention: RetentionSchedule | null =
    options.retention !== undefined && options.retention.days > 0
      ? scheduleRetention({ ...options.retention, backend: app.backend, logger: app.logger })
      : null;
  const host = server.hostname?.includes(":") ? `[${server.hostname}]` : server.hostname;
  const url = `http://${host}:${server.port}`;

  let stopping: Promise<void> | null = null;
  const stop = (stopOptions: { timeoutMs?: number } = {}): Promise<void> => {
    stopping ??= (async () => {
      const timeoutMs = stopOptions.timeoutMs ?? 10_000;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const graceful = server.stop(false);
      const expired = new Promise<"expired">((resolve) => {
        timer = setTimeout(() => resolve("expired"), timeoutMs);
      });
      try {
        if ((await Promise.race([graceful, expired])) === "expired") {
          app.logger.warn(`shutdown: requests still running after ${timeoutMs} ms were cut off`);
          await server.stop(true);
        }
      } finally {
        clearTimeout(timer);
      }
      await retention?.stop();
      await app.close();
    })();
    return stopping;
  };

  return { server, url, app, routes, stop };
}
