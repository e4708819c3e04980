import { carriesRequestId, errorResponse } from "../error-response.ts";
import type { ServiceApp } from "../service-app.ts";
import { beginTrace, REQUEST_ID_HEADER, type RequestTrace } from "./request-trace.ts";

type Handler<A extends unknown[]> = (req: Request, ...rest: A) => Response | Promise<Response>;

/**
 * What every request gets, matched or not: an X-Request-Id on its response (and in its error
 * body), one log line, and its count and latency in the metrics. `route` is the template the
 * request matched ("/api/v1/scans/:id"), never its path.
 */
export function observeRoute<A extends unknown[]>(
  app: ServiceApp,
  route: string,
  handler: Handler<A>,
): Handler<A> {
  // Not an async function: every request passes here, and each async layer costs turns of the
  // event loop.
  return (req, ...rest) => {
    const start = performance.now();
    const trace = beginTrace(req);
    const done = (response: Response): Response | Promise<Response> => {
      const stamped = withRequestId(response, trace.id);
      if (stamped instanceof Response) {
        finish(app, req.method, route, stamped.status, start, trace);
        return stamped;
      }
      return stamped.then((r) => {
        finish(app, req.method, route, r.status, start, trace);
        return r;
      });
    };
    const failed = (error: unknown) => done(errorResponse(error, app.logger, trace.id));
    let answer: Response | Promise<Response>;
    try {
      answer = handler(req, ...rest);
    } catch (error) {
      return failed(error);
    }
    return answer instanceof Response ? done(answer) : answer.then(done, failed);
  };
}

function finish(
  app: ServiceApp,
  method: string,
  route: string,
  status: number,
  start: number,
  trace: RequestTrace,
): void {
  const ms = performance.now() - start;
  app.metrics.observeRequest(method, route, status, ms / 1000);
  const fields = {
    request_id: trace.id,
    method,
    route,
    status,
    duration_ms: Math.round(ms * 1000) / 1000,
    key_id: trace.keyId,
  };
  if (status >= 500) app.logger.error(fields, "request");
  else app.logger.info(fields, "request");
}

/**
 * The header on every response; the id in every JSON error body too. Errors made by
 * errorResponse already carry it; a route's own error body (readiness) gets it added here.
 */
function withRequestId(response: Response, id: string): Response | Promise<Response> {
  response.headers.set(REQUEST_ID_HEADER, id);
  if (response.status < 400 || carriesRequestId.has(response)) return response;
  if (!response.headers.get("content-type")?.includes("json")) return response;
  return addToBody(response, id);
}

async function addToBody(response: Response, id: string): Promise<Response> {
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return new Response(text, { status: response.status, headers: response.headers });
  }
  const error = (body as { error?: unknown } | null)?.error;
  if (error !== null && typeof error === "object" && !("request_id" in error)) {
    (error as Record<string, unknown>).request_id = id;
  }
  return new Response(JSON.stringify(body), { status: response.status, headers: response.headers });
}
