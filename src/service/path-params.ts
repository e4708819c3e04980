import { HttpError } from "./http-error.ts";
import { textFault } from "./validation/text-problems.ts";

/**
 * Ids in the path are looked up, never stored, so one that no row can have is simply not found:
 * NUL (which PostgreSQL refuses outright, and SQLite would look up), percent-encoding that is not
 * UTF-8 (which the router turns into U+FFFD, so it would match a different id), and lone
 * surrogates. Both backends answer it the same way, without a query.
 */
export function checkPathParams(url: URL, params: Record<string, string>): void {
  let any = false;
  for (const key in params) {
    any = true;
    const value = params[key] as string;
    if (textFault(value) !== null) throw noSuchId();
  }
  if (!any) return;
  try {
    decodeURIComponent(url.pathname);
  } catch {
    throw noSuchId();
  }
}

function noSuchId(): HttpError {
  return new HttpError(
    404,
    "NOT_FOUND",
    "Nothing is stored under the id in this path (it is not valid text).",
  );
}
