import type { z } from "zod";
import { HttpError } from "../http-error.ts";
import { type FieldProblem, summarize } from "../validation/field-problem.ts";
import { issueProblems } from "../validation/issue-messages.ts";
import { textProblems } from "../validation/text-problems.ts";

/** A 400 listing every invalid field at once. */
export function invalidFields(fields: FieldProblem[]): HttpError {
  return new HttpError(400, "VALIDATION_ERROR", summarize(fields), {}, fields);
}

/**
 * Validates with a zod schema and reports every problem at once, each naming its field (e.g.
 * `findings[2].severity`) in the service's words, so a client can fix all of them in one go.
 * Text that cannot be stored exactly (NUL, lone surrogates) is refused wherever it sits, before
 * the schema looks at the value.
 */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, where = "body"): z.output<S> {
  const textual = textProblems(input, where);
  const result = schema.safeParse(input);
  if (result.success && textual.length === 0) return result.data;
  const fields = textual;
  if (!result.success) {
    const taken = new Set(textual.map((f) => f.path));
    for (const problem of issueProblems(result.error.issues, where, input)) {
      if (!taken.has(problem.path)) fields.push(problem);
    }
  }
  if (fields.length === 0) fields.push({ path: where, message: "is invalid" });
  throw invalidFields(fields);
}

/**
 * Query strings as a plain object; a repeated parameter is refused rather than silently merged.
 * The object has no prototype, so `constructor` or `__proto__` is just another unknown key.
 */
export function queryObject(url: URL): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  const repeated: FieldProblem[] = [];
  for (const [key, value] of url.searchParams) {
    if (Object.hasOwn(out, key)) {
      if (!repeated.some((f) => f.path === key))
        repeated.push({ path: key, message: "is given more than once" });
    } else out[key] = value;
  }
  if (repeated.length > 0) throw invalidFields(repeated);
  return out;
}
