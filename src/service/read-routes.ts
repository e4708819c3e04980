/*
 * The read-only route shapes the API repeats: a query checked by its schema and answered as
 * JSON, a list under its name with its count, one item by id or 404. Each builds its handler once,
 * when the routes are made; a request costs what the hand-written handler did.
 */
import type { z } from "zod";
import type { MethodSpec } from "./endpoint.ts";
import { notFound } from "./http-error.ts";
import { json } from "./json.ts";
import type { Permission } from "./permissions.ts";
import { parseOrThrow, queryObject } from "./schemas/parse.ts";

/** GET whose query string is checked by `query` (a 400 naming the field) and whose answer is JSON. */
export function queryRoute<S extends z.ZodType>(
  permission: Permission,
  query: S,
  answer: (query: z.output<S>) => Promise<unknown>,
): MethodSpec {
  return {
    permission,
    async handle({ url }) {
      return json(await answer(parseOrThrow(query, queryObject(url), "query")));
    },
  };
}

/** GET of a bounded list: `{ <name>: items, count }`. */
export function listRoute<S extends z.ZodType>(
  permission: Permission,
  query: S,
  name: string,
  list: (query: z.output<S>) => Promise<readonly unknown[]>,
): MethodSpec {
  return queryRoute(permission, query, async (q) => {
    const items = await list(q);
    return { [name]: items, count: items.length };
  });
}

/** GET of one item by the path's `:id`: `view(item)`, or a 404 saying "<what> <id> not found." */
export function itemRoute<T>(
  permission: Permission,
  what: string,
  get: (id: string) => Promise<T | null>,
  view: (item: T) => unknown = (item) => item,
): MethodSpec {
  return {
    permission,
    async handle({ params }) {
      const id = params.id ?? "";
      const item = await get(id);
      if (item === null) throw notFound(`${what} ${id} not found.`);
      return json(view(item));
    },
  };
}
