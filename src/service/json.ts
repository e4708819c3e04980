import type { FieldProblem } from "./validation/field-problem.ts";

/** Every JSON answer carries these; one frozen object instead of a new one per response. */
const JSON_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  "content-type": "application/json; charset=utf-8",
  "cache-control": "no-store",
});

/**
 * JSON responses with one content type and no caching of API answers by intermediaries.
 * Response.json serialises straight to the body's bytes (the same output and errors as
 * JSON.stringify), where JSON.stringify would first build a string to encode again.
 */
export function json(body: unknown, status = 200, headers?: Record<string, string>): Response {
  return Response.json(body, {
    status,
    headers: headers === undefined ? JSON_HEADERS : { ...JSON_HEADERS, ...headers },
  });
}

export interface ErrorBody {
  error: { code: string; message: string; fields?: FieldProblem[]; request_id?: string };
}

/** The id is added on the way out when a route does not know it (observability/observe-route.ts). */
export function errorBody(
  code: string,
  message: string,
  fields?: FieldProblem[],
  requestId?: string,
): ErrorBody {
  const error: ErrorBody["error"] = { code, message };
  if (fields !== undefined) error.fields = fields;
  if (requestId !== undefined) error.request_id = requestId;
  return { error };
}
