import { permanentFaultCause } from "../backends/index.ts";
import { ConflictError, NotFoundError, StorageError, ValidationError } from "../errors/index.ts";
import { describeError, getLogger, type Logger } from "../log/index.ts";
import { HttpError } from "./http-error.ts";
import { errorBody, json } from "./json.ts";
import { summarize } from "./validation/field-problem.ts";

/** Responses whose error body already holds the request id (nothing to add on the way out). */
export const carriesRequestId = new WeakSet<Response>();

/**
 * Turns anything thrown while handling a request into the JSON error contract. Only errors whose
 * message was written for a client (HttpError, validation, not found, conflict) pass their
 * message through; storage failures and surprises get a fixed sentence, because driver messages
 * can carry SQL, file paths or connection URLs. The real error goes to the server's log, with the
 * request id the client sees.
 */
export function errorResponse(error: unknown, logger: Logger = getLogger(), requestId?: string): Response {
  const response = build(error, logger, requestId);
  if (requestId !== undefined) carriesRequestId.add(response);
  return response;
}

function build(error: unknown, logger: Logger, requestId: string | undefined): Response {
  if (error instanceof HttpError) {
    return json(errorBody(error.code, error.message, error.fields, requestId), error.status, error.headers);
  }
  if (error instanceof ValidationError) {
    const fields = [{ path: error.field, message: fieldMessage(error) }];
    return json(errorBody("VALIDATION_ERROR", summarize(fields), fields, requestId), 400);
  }
  if (error instanceof NotFoundError)
    return json(errorBody("NOT_FOUND", error.message, undefined, requestId), 404);
  if (error instanceof ConflictError)
    return json(errorBody("CONFLICT", error.message, undefined, requestId), 409);
  const fault = permanentFaultCause(error);
  if (fault !== null) {
    logger.error(
      { request_id: requestId ?? null, error: describeError(error) },
      "storage fault while handling a request",
    );
    return json(
      errorBody(
        "STORAGE_FAULT",
        `The storage backend cannot serve this request: ${fault}.`,
        undefined,
        requestId,
      ),
      503,
    );
  }
  if (error instanceof StorageError) {
    logger.error(
      { request_id: requestId ?? null, error: describeError(error) },
      "storage error while handling a request",
    );
    return json(
      errorBody(
        "STORAGE_UNAVAILABLE",
        "The storage backend is unavailable; try again later.",
        undefined,
        requestId,
      ),
      503,
    );
  }
  logger.error(
    { request_id: requestId ?? null, error: describeError(error) },
    "unexpected error while handling a request",
  );
  return json(errorBody("INTERNAL_ERROR", "Internal server error.", undefined, requestId), 500);
}

/** Repository messages start with the field's name ("target must be…"); the path says it already. */
function fieldMessage(error: ValidationError): string {
  const m = error.message;
  for (const prefix of [`${error.field}: `, `${error.field} `]) {
    if (m.startsWith(prefix)) return m.slice(prefix.length);
  }
  return m;
}
