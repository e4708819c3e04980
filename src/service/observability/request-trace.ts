export const REQUEST_ID_HEADER = "x-request-id";

/** What a caller may choose as its request id: short, and safe in a header, a log line and a URL. */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** What the request log line needs to learn while a request is handled. */
export interface RequestTrace {
  readonly id: string;
  /** The calling key's id once authenticated (never the key itself). */
  keyId: string | null;
}

const traces = new WeakMap<Request, RequestTrace>();

/** The caller's X-Request-Id when it is a sane token, else a new UUID. */
export function requestIdFor(req: Request): string {
  const given = req.headers.get(REQUEST_ID_HEADER);
  return given !== null && SANE_REQUEST_ID.test(given) ? given : crypto.randomUUID();
}

export function beginTrace(req: Request): RequestTrace {
  const trace: RequestTrace = { id: requestIdFor(req), keyId: null };
  traces.set(req, trace);
  return trace;
}

/** The trace `beginTrace` made for this request; undefined for a handler called without one. */
export function traceOf(req: Request): RequestTrace | undefined {
  return traces.get(req);
}
