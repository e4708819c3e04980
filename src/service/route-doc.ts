import type { z } from "zod";

/** One answer of a route: a JSON schema, or a body of another type, or none. */
export interface ResponseDoc {
  description: string;
  /** null: no body (204). */
  schema: z.ZodType | null;
  /** Default application/json. */
  contentType?: string;
}

/**
 * What a route takes and answers, next to its handler: the OpenAPI document is generated from
 * these, and the handler validates with the very same `query` and `body` schemas.
 */
export interface RouteDoc {
  summary: string;
  description?: string;
  /** Absent: the route takes no query parameters, and any given is refused. */
  query?: z.ZodType;
  body?: z.ZodType;
  responses: Record<number, ResponseDoc>;
  /** Error answers beyond those every route can give (401, 403, 503), e.g. 404 or 409. */
  errors?: number[];
}
