/**
 * GET /api/v1/openapi.json: a valid OpenAPI 3.1 document (checked by an OpenAPI validator) that
 * lists every mounted route (read from the service's route table), whose answers validate
 * against the schemas it states (checked with ajv on a real answer of each route).
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { Validator } from "@seriousme/openapi-schema-validator";
import Ajv2020 from "ajv/dist/2020.js";
import type { DatabaseBackend } from "../../src/backends/database-backend.ts";
import { type RunningService, startService } from "../../src/service/index.ts";
import { captureLog } from "../support/capture-log.ts";
import { makeTempDir } from "../support/temp-dir.ts";
import { testSlowRoutes } from "../support/test-slow-route.ts";
import { ApiClient, type ApiResponse } from "./support/api-client.ts";
import { openSqlite } from "./support/backends.ts";
import { scanBody, signatureBody, uniqueId } from "./support/fixtures.ts";

setDefaultTimeout(60_000);

type Json = Record<string, unknown>;
type Doc = { paths: Record<string, Record<string, Json>>; components: { schemas: Record<string, Json> } };

const toOpenApi = (path: string) => path.replace(/:(\w+)/g, "{$1}");

describe("OpenAPI document", () => {
  const dir = makeTempDir("malwar-openapi-");
  let backend: DatabaseBackend;
  let service: RunningService;
  let api: ApiClient;
  let doc: Doc;

  beforeAll(async () => {
    backend = await openSqlite(dir.file("openapi.db"));
    service = startService({ backend, port: 0, logger: captureLog().logger, extraRoutes: testSlowRoutes });
    api = new ApiClient(service.url);
    const res = await api.get<Doc>("/openapi.json");
    expect(res.status).toBe(200);
    doc = res.body;
  });
  afterAll(async () => {
    await service?.stop();
    await backend?.close();
    dir.cleanup();
  });

  test("is valid OpenAPI 3.1 by an OpenAPI validator", async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc) as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
  });

  test("lists every mounted route and method, and nothing that is not mounted but /metrics", () => {
    const mounted = new Set<string>();
    for (const [path, handler] of Object.entries(service.routes)) {
      for (const method of Object.keys(handler.methods)) mounted.add(`${method} ${toOpenApi(path)}`);
    }
    expect(mounted.size).toBeGreaterThanOrEqual(20);
    const documented = new Set<string>();
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const method of Object.keys(ops)) documented.add(`${method.toUpperCase()} ${path}`);
    }
    for (const route of mounted)
      expect({ route, documented: documented.has(route) }).toEqual({ route, documented: true });
    expect([...documented].filter((r) => !mounted.has(r))).toEqual(["GET /metrics"]);
  });

  test("states parameters, bodies, the error shape and the X-API-Key scheme", () => {
    const list = doc.paths["/api/v1/scans"]?.get as { parameters: { name: string; in: string }[] };
    expect(list.parameters.map((p) => p.name).sort()).toEqual(
      ["cursor", "from", "limit", "offset", "severity", "status", "target", "to", "verdict"].sort(),
    );
    const one = doc.paths["/api/v1/scans/{id}"]?.get as { parameters: { name: string; in: string }[] };
    expect(one.parameters).toEqual([
      { name: "id", in: "path", required: true, schema: { type: "string", minLength: 1 } },
    ] as never);
    const post = doc.paths["/api/v1/scans"]?.post as {
      requestBody: { content: Record<string, { schema: Json }> };
    };
    const body = post.requestBody.content["application/json"]?.schema as {
      required: string[];
      properties: Json;
    };
    expect(body.required.sort()).toEqual(["started_at", "target"]);
    expect(Object.keys(body.properties)).toContain("findings");
    expect(doc.components.schemas.Error).toBeDefined();
    expect(
      (doc as unknown as { components: { securitySchemes: Json } }).components.securitySchemes.ApiKey,
    ).toEqual({
      type: "apiKey",
      in: "header",
      name: "X-API-Key",
      description: "Sent as x-api-key",
    });
    const op = (path: string, method: string) => (doc.paths[path]?.[method] ?? {}) as Json;
    expect(op("/api/v1/health", "get").security).toEqual([]);
    expect((op("/api/v1/scans", "get").responses as Json)["400"]).toMatchObject({
      content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
    });
  });

  test("a real answer of every route validates against the schema the document gives it", async () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    ajv.addFormat("date-time", (s: string) => !Number.isNaN(Date.parse(s)));
    ajv.addSchema({ $id: "doc", components: doc.components }, "doc");
    const check = (method: string, path: string, res: ApiResponse) => {
      const op = doc.paths[toOpenApi(path)]?.[method.toLowerCase()] as
        | { responses: Record<string, Json> }
        | undefined;
      const response = op?.responses[String(res.status)] as
        | { content?: Record<string, { schema: Json }> }
        | undefined;
      expect({ route: `${method} ${path}`, status: res.status, documented: response !== undefined }).toEqual({
        route: `${method} ${path}`,
        status: res.status,
        documented: true,
      });
      const schema = response?.content?.["application/json"]?.schema;
      if (schema === undefined) {
        expect(res.text).toBe("");
        return;
      }
      const resolved = JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"doc#/components/'));
      const validate = ajv.compile(resolved);
      const ok = validate(res.body);
      expect({ route: `${method} ${path}`, errors: ok ? null : validate.errors }).toEqual({
        route: `${method} ${path}`,
        errors: null,
      });
    };

    const scan = scanBody();
    const sig = signatureBody();
    const done = new Set<string>();
    const sample = async (
      method: string,
      route: string,
      call: () => Promise<ApiResponse>,
      status: number,
    ) => {
      const res = await call();
      expect({ route: `${method} ${route}`, status: res.status }).toEqual({
        route: `${method} ${route}`,
        status,
      });
      check(method, route, res);
      done.add(`${method} ${route}`);
    };
    const v1 = (p: string) => `/api/v1${p}`;
    await sample("GET", v1("/health"), () => api.get("/health"), 200);
    await sample("GET", v1("/ready"), () => api.get("/ready"), 200);
    await sample("GET", v1("/openapi.json"), () => api.get("/openapi.json"), 200);
    await sample("GET", v1("/test/slow"), () => api.get("/test/slow?ms=1"), 200);
    await sample("POST", v1("/scans"), () => api.post("/scans", scan), 201);
    await sample("GET", v1("/scans"), () => api.get("/scans?limit=1"), 200);
    await sample("GET", v1("/scans/:id"), () => api.get(`/scans/${scan.id}`), 200);
    await sample("POST", v1("/signatures"), () => api.post("/signatures", sig), 201);
    await sample("GET", v1("/signatures"), () => api.get("/signatures?limit=3"), 200);
    await sample("GET", v1("/signatures/:id"), () => api.get(`/signatures/${sig.id}`), 200);
    await sample(
      "PUT",
      v1("/signatures/:id"),
      () => api.put(`/signatures/${sig.id}`, { enabled: false }),
      200,
    );
    await sample("DELETE", v1("/signatures/:id"), () => api.delete(`/signatures/${sig.id}`), 204);
    await sample("GET", v1("/campaigns"), () => api.get("/campaigns"), 200);
    await sample("GET", v1("/campaigns/:id"), () => api.get("/campaigns/campaign-clawhavoc-001"), 200);
    const publisher = await backend.fetchOne<{ id: string }>("SELECT id FROM publishers ORDER BY id LIMIT 1");
    await sample(
      "GET",
      v1("/publishers/:id"),
      () => api.get(`/publishers/${encodeURIComponent(publisher!.id)}`),
      200,
    );
    await sample("GET", v1("/audit"), () => api.get("/audit"), 200);
    await sample("GET", v1("/usage"), () => api.get("/usage"), 200);
    // Errors answer in the documented shape too.
    check("POST", v1("/scans"), await api.post("/scans", { target: 5 }));
    check("GET", v1("/scans/:id"), await api.get("/scans/no-such-scan"));
    // The first key ends open mode: the key routes come last, with that key.
    let admin = api;
    await sample(
      "POST",
      v1("/keys"),
      async () => {
        const res = await api.post<Json>("/keys", { name: uniqueId("admin"), role: "admin" });
        admin = api.withKey(res.body.key as string);
        return res;
      },
      201,
    );
    const doomed = await admin.post<Json>("/keys", { name: "doomed", role: "readonly" });
    await sample("GET", v1("/keys"), () => admin.get("/keys"), 200);
    await sample("DELETE", v1("/keys/:id"), () => admin.delete(`/keys/${doomed.body.id}`), 200);
    check("DELETE", v1("/keys/:id"), await admin.delete(`/keys/${doomed.body.id}`));
    check("GET", v1("/keys"), await api.get("/keys"));

    const mounted: string[] = [];
    for (const [path, handler] of Object.entries(service.routes)) {
      for (const method of Object.keys(handler.methods)) mounted.push(`${method} ${path}`);
    }
    expect(mounted.filter((r) => !done.has(r))).toEqual([]);
  });

  test("a route that takes no query parameters refuses any, by name", async () => {
    const res = await api.get<{ error: { fields: unknown[] } }>("/health?verbose=1");
    expect(res.status).toBe(400);
    expect(res.body.error.fields).toEqual([{ path: "verbose", message: "is not a known field" }]);
  });
});
