import type { z } from "zod";
import { HttpError } from "../http-error.ts";

/**
 * Validates with a zod schema and turns the first problem into a 400 whose message starts with
 * the offending field's path (e.g. `findings[2].severity`), so a client can fix it without guessing.
 */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, where = "body"): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (issue === undefined) throw new HttpError(400, "VALIDATION_ERROR", `${where} is invalid`);
  let field = formatPath(issue.path);
  let message = issue.message;
  if (issue.code === "invalid_type" && /received undefined$/.test(issue.message)) {
    message = "is required";
  } else if (issue.code === "unrecognized_keys") {
    field = formatPath([...issue.path, issue.keys[0] ?? ""]);
    message = "is not a known field";
  }
  throw new HttpError(400, "VALIDATION_ERROR", `${field === "" ? where : field}: ${message}`);
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? String(part) : `.${String(part)}`;
  }
  return out;
}

/** Query strings as a plain object; a repeated parameter is refused rather than silently merged. */
export function queryObject(url: URL): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of url.searchParams) {
    if (key in out) throw new HttpError(400, "VALIDATION_ERROR", `${key}: given more than once`);
    out[key] = value;
  }
  return out;
}
