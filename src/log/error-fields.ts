import { redactUrl } from "../errors/index.ts";

/**
 * An error as a log field: name, message and the cause's message, with any URL password cut out.
 * Not pino's `err` serializer: driver messages can carry connection URLs, and stacks belong in a
 * debugger rather than in every line an operator reads.
 */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? ` (cause: ${error.cause.message})` : "";
    return redactUrl(`${error.name}: ${error.message}${cause}`);
  }
  return redactUrl(String(error));
}
