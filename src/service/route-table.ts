import type { Endpoint } from "./endpoint.ts";
import { auditRoutes } from "./routes/audit.ts";
import { healthRoutes } from "./routes/health.ts";
import { keyRoutes } from "./routes/keys.ts";
import { openApiRoutes } from "./routes/openapi.ts";
import { scanRoutes } from "./routes/scans.ts";
import { signatureRoutes } from "./routes/signatures.ts";
import { threatIntelRoutes } from "./routes/threat-intel.ts";
import { usageRoutes } from "./routes/usage.ts";
import type { ServiceApp } from "./service-app.ts";

/** Routes of an embedder, built from the running service's state; see `endpoint`. */
export type ExtraRoutes = (app: ServiceApp) => Record<string, Endpoint>;

/**
 * Every route the service mounts, by path, an embedder's included: the one list Bun.serve and
 * the OpenAPI document both read.
 */
export function routeTable(app: ServiceApp, extraRoutes?: ExtraRoutes): Record<string, Endpoint> {
  const routes: Record<string, Endpoint> = {
    ...healthRoutes(app),
    ...scanRoutes(app),
    ...signatureRoutes(app),
    ...threatIntelRoutes(app),
    ...auditRoutes(app),
    ...keyRoutes(app),
    ...usageRoutes(app),
  };
  Object.assign(
    routes,
    openApiRoutes(app, () => routes),
  );
  if (extraRoutes) Object.assign(routes, extraRoutes(app));
  return routes;
}
