/*
 * The route shapes the API repeats: a query or a body checked by the schema the route's doc
 * declares (so the OpenAPI document and the check cannot drift), a list under its name with its
 * count, one item by id or 404. Each builds its handler once, when the routes are made; a
 * request costs what the hand-written handler did.
 */
import type { z } from "zod";
import type { MethodSpec, RequestContext } from "./endpoint.ts";
import { notFound } from "./http-error.ts";
import { json } from "./json.ts";
import type { Permission } from "./permissions.ts";
import { readJsonBody } from "./read-body.ts";
import type { RouteDoc } from "./route-doc.ts";
import { parseOrThrow, queryObject } from "./schemas/parse.ts";

/** GET whose query string is checked by `doc.query` (a 400 naming the field); `answer` is sent as JSON. */
export function queryRoute<S extends z.ZodType>(
  permission: Permission,
  doc: RouteDoc & { query: S },
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
  doc: RouteDoc & { query: S },
  name: string,
  list: (query: z.output<S>) => Promise<readonly unknown[]>,
): MethodSpec {
  return queryRoute(permission, doc, async (query) => {
    const items = await list(query);
    return { [name]: items, count: items.length };
  });
}

export interface ItemRoute<T> {
  summary: string;
  /** The answer's schema, for the doc. */
  schema: z.ZodType;
  get: (id: string) => Promise<T | null>;
  /** What is sent for the item; the item itself by default. */
  view?: (item: T) => unknown;
}

/** GET of one item by the path's `:id`: 200 with it, or 404 "<what> <id> not found.". */
export function itemRoute<T>(permission: Permission, what: string, route: ItemRoute<T>): MethodSpec {
  const { get, view } = route;
  return {
    permission,
    doc: {
      summary: route.summary,
      responses: { 200: { description: `The ${what.toLowerCase()}`, schema: route.schema } },
      errors: [404],
    },
    async handle({ params }) {
      const id = params.id ?? "";
      const item = await get(id);
      if (item === null) throw notFound(`${what} ${id} not found.`);
      return json(view === undefined ? item : view(item));
    },
  };
}

/** A write whose JSON body (1 MiB cap) is checked by `doc.body` before `handle` sees it. */
export function bodyRoute<S extends z.ZodType>(
  permission: Permission,
  doc: RouteDoc & { body: S },
  handle: (input: z.output<S>, rc: RequestContext) => Promise<Response>,
): MethodSpec {
  const schema = doc.body;
  return {
    permission,
    doc,
    async handle(rc) {
      return handle(parseOrThrow(schema, await readJsonBody(rc.req)), rc);
    },
  };
}
