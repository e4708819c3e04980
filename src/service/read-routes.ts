/*
 * The read-only route shapes the API repeats: a query checked by the schema its doc declares and
 * answered as JSON, a list under its name with its count, one item by id or 404. Each builds its
 * handler once, when the routes are made; a request costs what the hand-written handler did.
 */
import type { z } from "zod";
import type { MethodSpec } from "./endpoint.ts";
import { notFound } from "./http-error.ts";
import { json } from "./json.ts";
import type { Permission } from "./permissions.ts";
import type { RouteDoc } from "./route-doc.ts";
import { parseOrThrow, queryObject } from "./schemas/parse.ts";

/** A route doc whose query schema is the one the handler validates with. */
export type QueryRouteDoc<S extends z.ZodType> = RouteDoc & { query: S };

/** GET whose query string is checked by `doc.query` (a 400 naming the field); `answer` is sent as JSON. */
export function queryRoute<S extends z.ZodType>(
  permission: Permission,
  doc: QueryRouteDoc<S>,
  answer: (query: z.output<S>) => Promise<unknown>,
): MethodSpec {
  const schema = doc.query;
  return {
    permission,
    doc,
    async handle({ url }) {
      return json(await answer(parseOrThrow(schema, queryObject(url), "query")));
    },
  };
}

/** GET of a bounded list: `{ <name>: items, count }`. */
export function listRoute<S extends z.ZodType>(
  permission: Permission,
  doc: QueryRouteDoc<S>,
  name: string,
  list: (query: z.output<S>) => Promise<readonly unknown[]>,
): MethodSpec {
  return queryRoute(permission, doc, async (query) => {
    const items = await list(query);
    return { [name]: items, count: items.length };
  });
}

/** GET of one item by the path's `:id`: `view(item)`, or a 404 saying "<what> <id> not found." */
export function itemRoute<T>(
  permission: Permission,
  doc: RouteDoc,
  what: string,
  get: (id: string) => Promise<T | null>,
  view: (item: T) => unknown = (item) => item,
): MethodSpec {
  return {
    permission,
    doc,
    async handle({ params }) {
      const id = params.id ?? "";
      const item = await get(id);
      if (item === null) throw notFound(`${what} ${id} not found.`);
      return json(view(item));
    },
  };
}
