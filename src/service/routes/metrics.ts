import { endpoint } from "../endpoint.ts";
import type { ServiceApp } from "../service-app.ts";

/** Prometheus scrapes without a key, like the health probes; nothing in it names a key or a row. */
export function metricsRoutes(app: ServiceApp) {
  return {
    "/metrics": endpoint(app, {
      GET: {
        permission: null,
        async handle() {
          return new Response(await app.metrics.render(), {
            headers: { "content-type": app.metrics.contentType, "cache-control": "no-store" },
          });
        },
      },
    }),
  };
}
