import {
  ConflictError,
  MalwarError,
  NotFoundError,
  redactUrl,
  StorageError,
  ValidationError,
} from "../errors/index.ts";
import { HttpError } from "./http-error.ts";
import { errorBody, json } from "./json.ts";
import { summarize } from "./validation/field-problem.ts";

export type ErrorLogger = (line: string) => void;

const defaultLogger: ErrorLogger = (line) => console.error(line);

/**
 * Turns anything thrown while handling a request into the JSON error contract. Only errors whose
 * message was written for a client (HttpError, validation, not found, conflict) pass their
 * message through; storage failures and surprises get a fixed sentence, because driver messages
 * can carry SQL, file paths or connection URLs. The real error goes to the server's log.
 */
export function errorResponse(error: unknown, log: ErrorLogger = defaultLogger): Response {
  if (error instanceof HttpError) {
    return json(errorBody(error.code, error.message, error.fields), error.status, error.headers);
  }
  if (error instanceof ValidationError) {
    const fields = [{ path: error.field, message: fieldMessage(error) }];
    return json(errorBody("VALIDATION_ERROR", summarize(fields), fields), 400);
  }
  if (error instanceof NotFoundError) return json(errorBody("NOT_FOUND", error.message), 404);
  if (error instanceof ConflictError) return json(errorBody("CONFLICT", error.message), 409);
  if (error instanceof StorageError) {
    log(`storage error while handling a request: ${describe(error)}`);
    return json(
      errorBody("STORAGE_UNAVAILABLE", "The storage backend is unavailable; try again later."),
      503,
    );
  }
  log(`unexpected error while handling a request: ${describe(error)}`);
  return json(errorBody("INTERNAL_ERROR", "Internal server error."), 500);
}

/** Repository messages start with the field's name ("target must be…"); the path says it already. */
function fieldMessage(error: ValidationError): string {
  const m = error.message;
  for (const prefix of [`${error.field}: `, `${error.field} `]) {
    if (m.startsWith(prefix)) return m.slice(prefix.length);
  }
  return m;
}

function describe(error: unknown): string {
  if (error instanceof MalwarError || error instanceof Error) {
    const cause = error.cause instanceof Error ? ` (cause: ${error.cause.message})` : "";
    return redactUrl(`${error.name}: ${error.message}${cause}`);
  }
  return redactUrl(String(error));
}
