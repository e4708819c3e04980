import { ValidationError } from "../errors/index.ts";

/** No listing returns more than this many rows in one call, whatever the caller asks. */
export const MAX_PAGE_SIZE = 500;
export const DEFAULT_PAGE_SIZE = 50;

export interface PageOptions {
  /** Rows to return; clamped to 1..MAX_PAGE_SIZE. */
  limit?: number;
  /** Rows to skip, for paging. */
  offset?: number;
}

export interface Page {
  limit: number;
  offset: number;
}

export function page(options: PageOptions | undefined, defaultLimit = DEFAULT_PAGE_SIZE): Page {
  const limit = options?.limit ?? defaultLimit;
  const offset = options?.offset ?? 0;
  if (typeof limit !== "number" || !Number.isInteger(limit)) {
    throw new ValidationError("limit", "limit must be an integer");
  }
  if (typeof offset !== "number" || !Number.isSafeInteger(offset) || offset < 0) {
    throw new ValidationError("offset", "offset must be a non-negative integer");
  }
  return { limit: Math.min(Math.max(limit, 1), MAX_PAGE_SIZE), offset };
}
