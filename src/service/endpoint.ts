import type { Server } from "bun";
import { authenticate, authorize, type Principal } from "./auth.ts";
import { errorResponse } from "./error-response.ts";
import { HttpError } from "./http-error.ts";
import { requestIdFor, traceOf } from "./observability/request-trace.ts";
import { checkPathParams } from "./path-params.ts";
import type { Permission } from "./permissions.ts";
import type { RouteDoc } from "./route-doc.ts";
import { invalidFields, queryObject } from "./schemas/parse.ts";
import type { ServiceApp } from "./service-app.ts";
import { withinStorageDeadline } from "./storage-deadline.ts";

export type Method = "GET" | "POST" | "PUT" | "DELETE";

/** Everything a route handler gets about its request. */
export interface RequestContext {
  req: Request;
  url: URL;
  params: Record<string, string>;
  principal: Principal;
  /** The X-Request-Id this request is answered with (the caller's, or a new one). */
  readonly requestId: string;
  /** Client address as the socket reports it; "" when unknown. */
  readonly ip: string;
  app: ServiceApp;
}

export interface MethodSpec {
  /** null: no key needed, ever (health and readiness probes). */
  permission: Permission | null;
  /** What it takes and answers, for the OpenAPI document; with it, undeclared query keys are refused. */
  doc?: RouteDoc;
  handle(rc: RequestContext): Promise<Response>;
}

export type MethodSpecs = Partial<Record<Method, MethodSpec>>;

/** A path's handler, with its methods kept for the route table's readers (the OpenAPI document). */
export type Endpoint = ((req: BunRequestLike, server: ServerLike) => Promise<Response>) & {
  readonly methods: MethodSpecs;
};

/** Who calls a route that needs no key (health, readiness): never stored, never trusted. */
const NO_KEY_NEEDED: Principal = Object.freeze({ actor: "anonymous", role: "readonly", keyId: null });

type BunRequestLike = Request & { params?: Record<string, string> };
type ServerLike = Pick<Server<undefined>, "requestIP">;

/**
 * Wraps one path's methods with what every request shares: method check, authentication and
 * permission, error-to-JSON mapping, and a usage count. The count is recorded after the
 * response is decided and written later in a batch, so it never delays the answer.
 */
export function endpoint(app: ServiceApp, methods: MethodSpecs): Endpoint {
  const allow = Object.keys(methods).join(", ");
  const handler = async (req: BunRequestLike, server: ServerLike): Promise<Response> => {
    const url = new URL(req.url);
    const trace = traceOf(req);
    const requestId = trace?.id ?? requestIdFor(req);
    let principal: Principal | null = null;
    let response: Response;
    try {
      const spec = methods[req.method as Method];
      if (spec === undefined) {
        throw new HttpError(405, "METHOD_NOT_ALLOWED", `${req.method} is not allowed here; use ${allow}.`, {
          allow,
        });
      }
      const work = async (): Promise<Response> => {
        if (spec.permission !== null) {
          principal = await authenticate(req, app.keys, app.openMode);
          if (trace !== undefined) trace.keyId = principal.keyId;
          authorize(principal, spec.permission);
        }
        const params = req.params ?? {};
        checkPathParams(url, params);
        if (spec.doc !== undefined && spec.doc.query === undefined && url.search.length > 1) refuseQuery(url);
        let ip: string | undefined;
        return spec.handle({
          req,
          url,
          params,
          principal: principal ?? NO_KEY_NEEDED,
          requestId,
          // Looked up only when read (audit rows): most requests never need it, and it is not free.
          get ip() {
            ip ??= server.requestIP(req)?.address ?? "";
            return ip;
          },
          app,
        });
      };
      response = await withinStorageDeadline(work(), app.databaseHealth);
    } catch (error) {
      response = errorResponse(error, app.logger, requestId);
    }
    // Set inside `work`, which TypeScript does not follow through the closure.
    const keyId = (principal as Principal | null)?.keyId ?? null;
    app.recordUsage(keyId, url.pathname, req.method, response.status);
    if (keyId !== null && response.status < 400) app.noteKeyUsed(keyId);
    return response;
  };
  return Object.assign(handler, { methods });
}

/** Unknown paths still answer in the JSON error shape, and still count as usage. */
export function notFoundHandler(app: ServiceApp) {
  return (req: Request): Response => {
    const url = new URL(req.url);
    const response = errorResponse(
      new HttpError(404, "NOT_FOUND", `No route for ${req.method} ${url.pathname}.`),
      app.logger,
      traceOf(req)?.id ?? requestIdFor(req),
    );
    app.recordUsage(null, url.pathname, req.method, response.status);
    return response;
  };
}

/** A route that takes no query parameters names each one given as unknown. */
function refuseQuery(url: URL): void {
  const keys = Object.keys(queryObject(url));
  if (keys.length > 0) throw invalidFields(keys.map((path) => ({ path, message: "is not a known field" })));
}
