import { API_KEY_HEADER } from "../auth.ts";
import type { Endpoint, Method, MethodSpec } from "../endpoint.ts";
import { MAX_BODY_BYTES } from "../read-body.ts";
import type { ResponseDoc, RouteDoc } from "../route-doc.ts";
import { errorOut } from "../schemas/responses.ts";
import { type JsonSchema, jsonSchema } from "./json-schema.ts";

export interface DocumentInfo {
  title: string;
  version: string;
}

/** A route served outside the route table (e.g. the root /metrics), described by hand. */
export interface ExtraRoute {
  path: string;
  method: Method;
  anonymous: boolean;
  doc: RouteDoc;
}

const ERROR_REF = { $ref: "#/components/schemas/Error" };

const ERROR_TEXT: Record<number, string> = {
  400: "Invalid input: every invalid field is listed in error.fields",
  401: "No valid API key (once any key exists)",
  403: "The key's role does not allow this",
  404: "Not found",
  405: "Method not allowed",
  409: "Conflicts with what is stored",
  413: `Body over ${MAX_BODY_BYTES} bytes`,
  415: "Body is not JSON",
  503: "The database is unavailable",
};

/**
 * The OpenAPI 3.1 document of a route table: every path and method, their parameters, bodies
 * and answers, from the same zod schemas the handlers validate with. Routes without a doc are
 * still listed (so none is hidden), with only what the table itself knows.
 */
export function openApiDocument(
  routes: Record<string, Endpoint>,
  info: DocumentInfo,
  extra: readonly ExtraRoute[] = [],
): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  const add = (path: string, method: Method, spec: Pick<MethodSpec, "doc">, anonymous: boolean) => {
    const key = toOpenApiPath(path);
    paths[key] ??= {};
    paths[key][method.toLowerCase()] = operation(path, method, spec.doc, anonymous);
  };
  for (const path of Object.keys(routes).sort()) {
    const methods = (routes[path] as Endpoint).methods;
    for (const method of Object.keys(methods) as Method[]) {
      const spec = methods[method] as MethodSpec;
      add(path, method, spec, spec.permission === null);
    }
  }
  for (const route of extra) {
    if (routes[route.path]?.methods[route.method] === undefined)
      add(route.path, route.method, route, route.anonymous);
  }
  return {
    openapi: "3.1.0",
    info: {
      title: info.title,
      version: info.version,
      description:
        "malwar's storage service. Errors share one shape (components.schemas.Error). While no active API key exists the service is open; once one does, every route but health, ready and metrics needs X-API-Key.",
    },
    paths,
    components: {
      schemas: { Error: jsonSchema(errorOut, "output") },
      securitySchemes: {
        ApiKey: { type: "apiKey", in: "header", name: "X-API-Key", description: `Sent as ${API_KEY_HEADER}` },
      },
    },
    security: [{ ApiKey: [] }],
  };
}

function toOpenApiPath(path: string): string {
  return path.replace(/:([A-Za-z_]\w*)/g, "{$1}");
}

function operation(path: string, method: Method, doc: RouteDoc | undefined, anonymous: boolean) {
  const parameters: unknown[] = [];
  for (const match of path.matchAll(/:([A-Za-z_]\w*)/g)) {
    parameters.push({ name: match[1], in: "path", required: true, schema: { type: "string", minLength: 1 } });
  }
  if (doc?.query !== undefined) parameters.push(...queryParameters(jsonSchema(doc.query, "input")));
  const responses: Record<string, unknown> = {};
  for (const [status, response] of Object.entries(doc?.responses ?? {})) {
    responses[status] = responseObject(response);
  }
  if (Object.keys(responses).length === 0) responses.default = { description: "Answer" };
  const errors = new Set<number>([400, ...(anonymous ? [] : [401, 403]), 503, ...(doc?.errors ?? [])]);
  for (const status of [...errors].sort()) {
    responses[String(status)] ??= {
      description: ERROR_TEXT[status] ?? "Error",
      content: { "application/json": { schema: ERROR_REF } },
    };
  }
  const op: Record<string, unknown> = {
    operationId: operationId(method, path),
    summary: doc?.summary ?? `${method} ${path}`,
    tags: [tagOf(path)],
    parameters,
    responses,
  };
  if (doc?.description !== undefined) op.description = doc.description;
  if (doc?.body !== undefined) {
    op.requestBody = {
      required: true,
      content: { "application/json": { schema: jsonSchema(doc.body, "input") } },
    };
  }
  if (anonymous) op.security = [];
  return op;
}

function queryParameters(schema: JsonSchema): unknown[] {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...rest } = property;
    const parameter: Record<string, unknown> = {
      name,
      in: "query",
      required: required.has(name),
      schema: rest,
    };
    if (typeof description === "string") parameter.description = description;
    return parameter;
  });
}

function responseObject(response: ResponseDoc) {
  if (response.schema === null) return { description: response.description };
  return {
    description: response.description,
    content: {
      [response.contentType ?? "application/json"]: { schema: jsonSchema(response.schema, "output") },
    },
  };
}

function operationId(method: Method, path: string): string {
  const words = path
    .replace(/^\/api\/v1\//, "")
    .split("/")
    .filter((w) => w !== "")
    .map((w) => (w.startsWith(":") ? `by_${w.slice(1)}` : w));
  return [method.toLowerCase(), ...words].join("_").replace(/\W/g, "_");
}

function tagOf(path: string): string {
  const first = path.replace(/^\/api\/v1\//, "").split("/")[0] ?? "";
  if (first === "health" || first === "ready" || first === "metrics" || first === "openapi.json")
    return "operations";
  return first;
}
