import type { Endpoint } from "./endpoint.ts";
import { auditRoutes } from "./routes/audit.ts";
import { healthRoutes } from "./routes/health.ts";
import { keyRoutes } from "./routes/keys.ts";
import { openApiRoutes } from "./routes/openapi.ts";
import { scanRoutes } from "./routes/scans.ts";
import { signatureRoutes } from "./routes/signatures.ts";
import { testSlowRoutes } from "./routes/test-slow.ts";
import { threatIntelRoutes } from "./routes/threat-intel.ts";
import { usageRoutes } from "./routes/usage.ts";
import type { ServiceApp } from "./service-app.ts";

/** Every route the service mounts, by path: the one list Bun.serve and the OpenAPI document both read. */
export function routeTable(
  app: ServiceApp,
  options: { testSlowRoute?: boolean } = {},
): Record<string, Endpoint> {
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
  if (options.testSlowRoute) Object.assign(routes, testSlowRoutes(app));
  return routes;
}
