import type { FieldProblem } from "./validation/field-problem.ts";

/**
 * An error that already knows its HTTP answer. Thrown by the HTTP layer itself (body too large,
 * missing key, unknown route, invalid fields); errors from the layers below are translated in
 * error-response.ts.
 */
export class HttpError extends Error {
  override readonly name = "HttpError";
  readonly status: number;
  readonly code: string;
  readonly headers: Record<string, string>;
  /** Every invalid field, for validation errors. */
  readonly fields: FieldProblem[] | undefined;

  constructor(
    status: number,
    code: string,
    message: string,
    headers: Record<string, string> = {},
    fields?: FieldProblem[],
  ) {
    super(message);
    this.status = status;
    this.code = code;
    this.headers = headers;
    this.fields = fields;
  }
}

export const badRequest = (message: string, code = "BAD_REQUEST"): HttpError =>
  new HttpError(400, code, message);

export const notFound = (message: string): HttpError => new HttpError(404, "NOT_FOUND", message);
