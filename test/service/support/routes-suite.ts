/**
 * Every route of the service against one backend, in open mode (no key exists): answers,
 * status codes, the error shape, audit rows for changes and nothing written on errors.
 * Called once per backend by routes-*.test.ts.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { DatabaseBackend } from "../../../src/backends/database-backend.ts";
import { type RunningService, startService } from "../../../src/service/index.ts";
import { captureLog } from "../../support/capture-log.ts";
import { ApiClient, type ErrorBody } from "./api-client.ts";
import { tableCounts } from "./backends.ts";
import { scanBody, signatureBody, uniqueId } from "./fixtures.ts";

type Json = Record<string, unknown>;
const SEVERITY_ORDER = ["critical", "high", "medium", "low", "info"];

export function routesSuite(kind: "sqlite" | "postgres", open: () => Promise<DatabaseBackend>): void {
  // Nested, so this suite's afterAll (stop, flush, close) runs before an enclosing one drops the database.
  describe("routes", () => routesTests(kind, open));
}

function routesTests(kind: "sqlite" | "postgres", open: () => Promise<DatabaseBackend>): void {
  let backend: DatabaseBackend;
  let service: RunningService;
  let api: ApiClient;
  const log = captureLog("warn");

  beforeAll(async () => {
    backend = await open();
    service = startService({ backend, port: 0, logger: log.logger });
    api = new ApiClient(service.url);
  });
  afterAll(async () => {
    await service?.stop();
    await backend?.close();
  });

  /** Runs a request that must fail and proves it left every table as it was. */
  async function expectError(
    run: () => Promise<{ status: number; body: unknown }>,
    status: number,
    messageMatch?: RegExp,
  ): Promise<ErrorBody["error"]> {
    const before = await tableCounts(backend);
    const res = await run();
    expect(res.status).toBe(status);
    const err = (res.body as ErrorBody).error;
    expect(typeof err.code).toBe("string");
    expect(typeof err.message).toBe("string");
    if (messageMatch) expect(err.message).toMatch(messageMatch);
    expect(await tableCounts(backend)).toEqual(before);
    return err;
  }

  /**
   * The one audit row for this action on this resource. Looked up by resource rather than
   * "newest", since rows written in the same millisecond have no defined order.
   */
  async function auditFor(resourceId: string, action: string): Promise<Json> {
    const res = await api.get<{ entries: Json[] }>(
      `/audit?resource_id=${encodeURIComponent(resourceId)}&limit=500`,
    );
    expect(res.status).toBe(200);
    const rows = res.body.entries.filter((e) => e.action === action);
    expect(rows).toHaveLength(1);
    return rows[0] as Json;
  }

  test("GET /health names the backend and the schema version", async () => {
    const res = await api.get<Json>("/health");
    expect(res.status).toBe(200);
    expect(res.body.status).toBe("ok");
    expect(res.body.backend).toBe(kind);
    const applied = await backend.fetchOne<{ v: unknown }>("SELECT MAX(version) AS v FROM schema_migrations");
    expect(res.body.schema_version).toBe(Number(applied?.v));
    expect(res.body.schema_version).toBeGreaterThanOrEqual(5);
    expect(res.body.database).toBe("up");
    if (kind === "postgres") {
      const pool = res.body.pool as { open: number; idle: number; max: number };
      expect(pool.open).toBeGreaterThanOrEqual(1);
      expect(pool.idle).toBeLessThanOrEqual(pool.open);
      expect(pool.max).toBe(5);
    }
  });

  test("GET /ready is 200 while the database answers", async () => {
    const res = await api.get<Json>("/ready");
    expect(res.status).toBe(200);
    expect(res.body.status).toBe("ready");
  });

  test("POST /scans stores the scan with findings and URL analyses; GET returns exactly that", async () => {
    const body = scanBody();
    const before = await tableCounts(backend);
    const created = await api.post<Json>("/scans", body);
    expect(created.status).toBe(201);
    expect(created.headers.get("location")).toBe(`/api/v1/scans/${body.id}`);
    const stored = created.body;
    const { findings, url_analysis, ...scanFields } = body;
    expect(stored).toMatchObject(scanFields);
    expect(typeof stored.created_at).toBe("string");
    expect(stored.created_at as string).toMatch(/Z$/);
    const storedFindings = stored.findings as Json[];
    expect(storedFindings.map((f) => f.id)).toEqual([
      `${body.id}-f1`,
      `${body.id}-f2`,
      `${body.id}-f0`,
      `${body.id}-f3`,
    ]);
    for (const f of storedFindings) {
      expect(f).not.toHaveProperty("scan_id");
      expect(f).toMatchObject(findings.find((x) => x.id === f.id) as Json);
    }
    const urls = stored.url_analysis as Json[];
    expect(urls).toHaveLength(1);
    expect(urls[0]).not.toHaveProperty("scan_id");
    expect(urls[0]).toMatchObject(url_analysis[0] as Json);

    const read = await api.get<Json>(`/scans/${body.id}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(stored);

    const after = await tableCounts(backend);
    expect(after.scans).toBe(before.scans! + 1);
    expect(after.findings).toBe(before.findings! + 4);
    expect(after.url_analysis).toBe(before.url_analysis! + 1);
    expect(after.audit_log).toBe(before.audit_log! + 1);
    const audit = await auditFor(body.id, "create");
    expect(audit).toMatchObject({
      event_type: "scan_created",
      actor: "anonymous",
      resource_type: "scan",
      resource_id: body.id,
      action: "create",
      ip_address: "127.0.0.1",
    });
  });

  test("findings come back most severe first, then by id, on both POST and GET", async () => {
    const body = scanBody();
    body.findings = SEVERITY_ORDER.flatMap((sev, i) => [
      { ...body.findings[0]!, id: `${body.id}-z${i}`, severity: sev },
      { ...body.findings[0]!, id: `${body.id}-a${i}`, severity: sev },
    ]).reverse();
    const created = await api.post<Json>("/scans", body);
    expect(created.status).toBe(201);
    const expected = SEVERITY_ORDER.flatMap((_, i) => [`${body.id}-a${i}`, `${body.id}-z${i}`]);
    expect((created.body.findings as Json[]).map((f) => f.id)).toEqual(expected);
    const read = await api.get<Json>(`/scans/${body.id}`);
    expect((read.body.findings as Json[]).map((f) => f.id)).toEqual(expected);
  });

  test("a minimal scan gets the documented defaults", async () => {
    const id = uniqueId("min");
    const res = await api.post<Json>("/scans", {
      id,
      target: "x/SKILL.md",
      started_at: "2026-01-01T00:00:00Z",
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      id,
      status: "pending",
      risk_score: 0,
      overall_severity: "info",
      verdict: "CLEAN",
      layers_executed: [],
      errors: [],
      completed_at: null,
      findings: [],
      url_analysis: [],
    });
  });

  test("POST /scans with an id already stored is 409 and changes nothing", async () => {
    const body = scanBody();
    expect((await api.post("/scans", body)).status).toBe(201);
    const original = await api.get<Json>(`/scans/${body.id}`);
    const err = await expectError(() => api.post("/scans", { ...body, target: "other", findings: [] }), 409);
    expect(err.code).toBe("CONFLICT");
    expect((await api.get<Json>(`/scans/${body.id}`)).body).toEqual(original.body);
  });

  test("a finding id clashing with a stored one is 409 and leaves no part of the new scan", async () => {
    const first = scanBody();
    expect((await api.post("/scans", first)).status).toBe(201);
    const second = scanBody();
    second.findings[0]!.id = first.findings[0]!.id;
    await expectError(() => api.post("/scans", second), 409);
    expect((await api.get(`/scans/${second.id}`)).status).toBe(404);
  });

  test("invalid scans are 400 with the field named, and nothing is written", async () => {
    const base = scanBody();
    const { target: _target, ...noTarget } = base;
    await expectError(() => api.post("/scans", noTarget), 400, /^target: is required/);
    await expectError(() => api.post("/scans", { ...base, verdict: "EVIL" }), 400, /^verdict:/);
    await expectError(() => api.post("/scans", { ...base, risk_score: -1 }), 400, /^risk_score:/);
    await expectError(
      () => api.post("/scans", { ...base, layers_executed: ["rule_engine", "magic"] }),
      400,
      /^layers_executed\[1\]:/,
    );
    const badFinding = scanBody();
    badFinding.findings[2]!.severity = "apocalyptic";
    await expectError(() => api.post("/scans", badFinding), 400, /^findings\[2\]\.severity:/);
    const badConfidence = scanBody();
    badConfidence.findings[0]!.confidence = 1.5;
    await expectError(() => api.post("/scans", badConfidence), 400, /^findings\[0\]\.confidence:/);
    const badCategory = scanBody();
    badCategory.findings[1]!.category = "spam";
    await expectError(() => api.post("/scans", badCategory), 400, /^findings\[1\]\.category:/);
    const badUrl = scanBody();
    (badUrl.url_analysis[0] as Json).is_malicious = "yes";
    await expectError(() => api.post("/scans", badUrl), 400, /^url_analysis\[0\]\.is_malicious:/);
    const dupFinding = scanBody();
    dupFinding.findings[1]!.id = dupFinding.findings[0]!.id;
    await expectError(() => api.post("/scans", dupFinding), 400, /^findings\[1\]\.id:/);
    await expectError(
      () => api.post("/scans", { ...base, scan_id: "x" }),
      400,
      /^scan_id: is not a known field/,
    );
    await expectError(
      () => api.post("/scans", { ...base, skill_name: "n".repeat(256) }),
      400,
      /^skill_name:/,
    );
    await expectError(() => api.post("/scans", [base]), 400);
    await expectError(
      () =>
        api.request("POST", "/scans", undefined, {
          rawBody: "{not json",
          headers: { "content-type": "application/json" },
        }),
      400,
      /not valid JSON/,
    );
    await expectError(() => api.request("POST", "/scans", undefined, { rawBody: "" }), 400, /empty/);
    await expectError(
      () =>
        api.request("POST", "/scans", undefined, {
          rawBody: JSON.stringify(base),
          headers: { "content-type": "text/plain" },
        }),
      415,
    );
  });

  test("bodies over 1 MiB are 413 whether Content-Length says so or a chunked body runs long", async () => {
    const big = scanBody();
    big.target = "x".repeat(1024 * 1024);
    const declared = await expectError(() => api.post("/scans", big), 413);
    expect(declared.code).toBe("PAYLOAD_TOO_LARGE");

    // No Content-Length: the size is only known by reading, which must stop at the limit.
    const chunk = new TextEncoder().encode("x".repeat(64 * 1024));
    const chunked = () => {
      let sent = 0;
      return new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent >= 20) controller.close();
          else {
            sent++;
            controller.enqueue(chunk);
          }
        },
      });
    };
    const streamed = await expectError(
      () =>
        api.request("POST", "/scans", undefined, {
          rawBody: chunked(),
          headers: { "content-type": "application/json" },
        }),
      413,
    );
    expect(streamed.code).toBe("PAYLOAD_TOO_LARGE");
  });

  test("a body just under 1 MiB is accepted", async () => {
    const body = scanBody();
    body.findings = [body.findings[0]!];
    body.url_analysis = [];
    const overhead = JSON.stringify({ ...body, findings: [{ ...body.findings[0], description: "" }] }).length;
    body.findings[0]!.description = "d".repeat(1024 * 1024 - overhead);
    expect(JSON.stringify(body).length).toBe(1024 * 1024);
    const res = await api.post<Json>("/scans", body);
    expect(res.status).toBe(201);
    const stored = (await api.get<{ findings: Json[] }>(`/scans/${body.id}`)).body.findings[0]!;
    expect((stored.description as string).length).toBe(body.findings[0]!.description.length);
  });

  test("a target too long for PostgreSQL's index is 400 on every backend", async () => {
    const body = scanBody();
    body.target = "é".repeat(1025);
    await expectError(() => api.post("/scans", body), 400, /^target: must be at most 2048 bytes/);
    body.target = "t".repeat(2048);
    expect((await api.post("/scans", body)).status).toBe(201);
  });

  test("GET /scans lists newest first, honours limit and the verdict filter, refuses bad values", async () => {
    const clean = { ...scanBody(), verdict: "CLEAN", findings: [], url_analysis: [] };
    expect((await api.post("/scans", clean)).status).toBe(201);
    const all = await api.get<{ scans: Json[]; count: number }>("/scans?limit=500");
    expect(all.status).toBe(200);
    expect(all.body.count).toBe(all.body.scans.length);
    expect(all.body.scans[0]!.id).toBe(clean.id);
    expect(all.body.scans[0]).not.toHaveProperty("findings");
    const created = all.body.scans.map((s) => s.created_at as string);
    expect([...created].sort().reverse()).toEqual(created);

    const two = await api.get<{ scans: Json[] }>("/scans?limit=2");
    expect(two.body.scans).toHaveLength(2);
    const malicious = await api.get<{ scans: Json[] }>("/scans?verdict=MALICIOUS&limit=500");
    expect(malicious.body.scans.length).toBeGreaterThan(0);
    expect(malicious.body.scans.every((s) => s.verdict === "MALICIOUS")).toBe(true);
    const cleanOnly = await api.get<{ scans: Json[] }>("/scans?verdict=CLEAN&limit=500");
    expect(cleanOnly.body.scans.map((s) => s.id)).toContain(clean.id);
    expect(cleanOnly.body.scans.every((s) => s.verdict === "CLEAN")).toBe(true);

    await expectError(() => api.get("/scans?verdict=evil"), 400, /^verdict:/);
    await expectError(() => api.get("/scans?limit=0"), 400, /^limit:/);
    await expectError(() => api.get("/scans?limit=abc"), 400, /^limit:/);
    await expectError(() => api.get("/scans?limit=1&limit=2"), 400, /^limit:/);
    await expectError(() => api.get("/scans?colour=red"), 400, /^colour:/);
  });

  test("GET /scans/:id of an unknown scan is 404", async () => {
    const err = await expectError(() => api.get("/scans/no-such-scan"), 404);
    expect(err.code).toBe("NOT_FOUND");
  });

  test("signatures: list, create, read, update, delete, each change audited", async () => {
    const list = await api.get<{ signatures: Json[]; count: number }>("/signatures");
    expect(list.status).toBe(200);
    // The seed (migration 001) brings the known campaigns' signatures.
    expect(list.body.signatures.map((s) => s.id)).toContain("sig-clawhavoc-c2-ip");

    const campaignId = "campaign-clawhavoc-001";
    const body = signatureBody(uniqueId("sig"), campaignId);
    const created = await api.post<Json>("/signatures", body);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject(body);
    expect(await auditFor(body.id, "create")).toMatchObject({
      event_type: "signature_created",
      resource_type: "signature",
      resource_id: body.id,
      action: "create",
      actor: "anonymous",
    });

    const read = await api.get<Json>(`/signatures/${body.id}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);

    const filtered = await api.get<{ signatures: Json[] }>(`/signatures?campaign_id=${campaignId}&limit=500`);
    expect(filtered.body.signatures.map((s) => s.id)).toContain(body.id);
    expect(filtered.body.signatures.every((s) => s.campaign_id === campaignId)).toBe(true);
    const disabled = await api.get<{ signatures: Json[] }>("/signatures?enabled=false");
    expect(disabled.body.signatures.every((s) => s.enabled === false)).toBe(true);

    const updated = await api.put<Json>(`/signatures/${body.id}`, { severity: "critical", enabled: false });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ ...body, severity: "critical", enabled: false });
    expect(await auditFor(body.id, "update")).toMatchObject({
      event_type: "signature_updated",
      resource_id: body.id,
      action: "update",
      details: expect.objectContaining({ fields: ["enabled", "severity"] }),
    });
    expect((await api.get<Json>(`/signatures/${body.id}`)).body).toEqual(updated.body);

    const removed = await api.delete(`/signatures/${body.id}`);
    expect(removed.status).toBe(204);
    expect(removed.text).toBe("");
    expect(await auditFor(body.id, "delete")).toMatchObject({
      event_type: "signature_deleted",
      resource_id: body.id,
      action: "delete",
    });
    expect((await api.get(`/signatures/${body.id}`)).status).toBe(404);
  });

  test("signature without an id gets one from the server", async () => {
    const { id: _id, ...noId } = signatureBody();
    const created = await api.post<Json>("/signatures", noId);
    expect(created.status).toBe(201);
    expect(typeof created.body.id).toBe("string");
    expect((await api.get(`/signatures/${created.body.id}`)).status).toBe(200);
  });

  test("signature errors: 409 duplicate, 400 with the field named, 404 unknown; nothing written", async () => {
    const body = signatureBody();
    expect((await api.post("/signatures", body)).status).toBe(201);
    await expectError(() => api.post("/signatures", body), 409);
    await expectError(
      () => api.post("/signatures", { ...signatureBody(), campaign_id: "no-such-campaign" }),
      400,
      /^campaign_id:/,
    );
    await expectError(
      () => api.post("/signatures", { ...signatureBody(), pattern_value: "(unclosed" }),
      400,
      /^pattern_value:/,
    );
    await expectError(
      () => api.post("/signatures", { ...signatureBody(), severity: "extreme" }),
      400,
      /^severity:/,
    );
    await expectError(
      () => api.post("/signatures", { ...signatureBody(), ioc_type: "email" }),
      400,
      /^ioc_type:/,
    );
    const { name: _name, ...noName } = signatureBody();
    await expectError(() => api.post("/signatures", noName), 400, /^name: is required/);

    await expectError(() => api.put(`/signatures/${body.id}`, {}), 400, /at least one field/);
    await expectError(
      () => api.put(`/signatures/${body.id}`, { id: "renamed" }),
      400,
      /^id: is not a known field/,
    );
    await expectError(
      () => api.put(`/signatures/${body.id}`, { campaign_id: "no-such-campaign" }),
      400,
      /^campaign_id:/,
    );
    // The stored type is regex, so a new value alone is checked as a regex.
    await expectError(
      () => api.put(`/signatures/${body.id}`, { pattern_value: "[" }),
      400,
      /^pattern_value:/,
    );
    await expectError(() => api.put("/signatures/no-such-sig", { enabled: false }), 404);
    await expectError(() => api.delete("/signatures/no-such-sig"), 404);
  });

  test("campaigns: list, one with its signatures, 404", async () => {
    const list = await api.get<{ campaigns: Json[] }>("/campaigns");
    expect(list.status).toBe(200);
    expect(list.body.campaigns.map((c) => c.id)).toContain("campaign-clawhavoc-001");
    const one = await api.get<Json>("/campaigns/campaign-clawhavoc-001");
    expect(one.status).toBe(200);
    expect(one.body.name).toBe("ClawHavoc");
    expect(Array.isArray(one.body.iocs)).toBe(true);
    const sigs = one.body.signatures as Json[];
    expect(sigs.map((s) => s.id)).toContain("sig-clawhavoc-c2-ip");
    expect(sigs.every((s) => s.campaign_id === "campaign-clawhavoc-001")).toBe(true);
    await expectError(() => api.get("/campaigns/no-such-campaign"), 404);
  });

  test("publishers: one by id, 404", async () => {
    const seeded = await backend.fetchOne<{ id: string }>("SELECT id FROM publishers ORDER BY id LIMIT 1");
    expect(seeded).not.toBeNull();
    const res = await api.get<Json>(`/publishers/${encodeURIComponent(seeded!.id)}`);
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(seeded!.id);
    expect(typeof res.body.is_known_threat_actor).toBe("boolean");
    expect(Array.isArray(res.body.campaigns)).toBe(true);
    await expectError(() => api.get("/publishers/no-such-publisher"), 404);
  });

  test("GET /audit filters and pages", async () => {
    const sig = signatureBody();
    await api.post("/signatures", sig);
    await api.put(`/signatures/${sig.id}`, { enabled: false });
    await api.delete(`/signatures/${sig.id}`);

    const forSig = await api.get<{ entries: Json[]; total: number }>(
      `/audit?resource_type=signature&resource_id=${sig.id}`,
    );
    expect(forSig.status).toBe(200);
    expect(forSig.body.total).toBe(3);
    // Newest first; three writes can share a millisecond, so only the order of instants is fixed.
    expect(forSig.body.entries.map((e) => e.action).sort()).toEqual(["create", "delete", "update"]);
    const stamps = forSig.body.entries.map((e) => e.timestamp as string);
    expect([...stamps].sort().reverse()).toEqual(stamps);

    const deletes = await api.get<{ entries: Json[] }>("/audit?event_type=signature_deleted&limit=500");
    expect(deletes.body.entries.length).toBeGreaterThan(0);
    expect(deletes.body.entries.every((e) => e.event_type === "signature_deleted")).toBe(true);

    const page1 = await api.get<{ entries: Json[]; limit: number; offset: number }>(
      "/audit?limit=2&offset=0",
    );
    const page2 = await api.get<{ entries: Json[] }>("/audit?limit=2&offset=2");
    const both = await api.get<{ entries: Json[] }>("/audit?limit=4");
    expect(page1.body.limit).toBe(2);
    expect([...page1.body.entries, ...page2.body.entries].map((e) => e.event_id)).toEqual(
      both.body.entries.map((e) => e.event_id),
    );
    const future = await api.get<{ entries: Json[] }>("/audit?since=2999-01-01T00:00:00Z");
    expect(future.body.entries).toEqual([]);

    await expectError(() => api.get("/audit?limit=-1"), 400, /^limit:/);
    await expectError(() => api.get("/audit?since=yesterday"), 400, /^since:/);
    await expectError(() => api.get("/audit?offset=x"), 400, /^offset:/);
  });

  test("unknown routes are 404 and wrong methods 405, in the JSON error shape", async () => {
    const missing = await expectError(() => api.get("/nothing-here"), 404);
    expect(missing.code).toBe("NOT_FOUND");
    const res = await api.delete("/scans");
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, POST");
    await expectError(() => api.request("PATCH", "/signatures/x", { enabled: true }), 405);
  });

  test("every request so far is counted in api_usage once the buffer is flushed", async () => {
    await service.app.usage.flush();
    const row = await backend.fetchOne<{ n: unknown }>(
      "SELECT COUNT(*) AS n FROM api_usage WHERE endpoint = '/api/v1/nothing-here' AND status_code = 404",
    );
    expect(Number(row?.n)).toBe(1);
    const posts = await backend.fetchOne<{ n: unknown }>(
      "SELECT COUNT(*) AS n FROM api_usage WHERE endpoint = '/api/v1/scans' AND method = 'POST'",
    );
    expect(Number(posts?.n)).toBeGreaterThan(10);
  });

  test("a storage failure is a 503 that shows no SQL, table, stack, path or URL", async () => {
    // A table gone from under the service stands in for any driver failure.
    await backend.execute("DROP TABLE publishers");
    log.clear();
    const res = await api.get<ErrorBody>("/publishers/anyone");
    expect([500, 503]).toContain(res.status);
    const text = res.text;
    for (const leak of [
      /select/i,
      /publishers/i,
      /\bat\s/,
      /\.ts\b/,
      /postgres:\/\//,
      /sqlite/i,
      /\/work\//,
    ]) {
      expect(text).not.toMatch(leak);
    }
    expect(res.body.error.message.length).toBeGreaterThan(0);
    // The operator still learns what happened, from the server's log.
    expect(log.messages().join("\n")).toMatch(/publishers/);
  });

  test("GET /ready is 503 once the database is gone; GET /health stays 200 and says it is down", async () => {
    const other = await open();
    const stopped = startService({ backend: other, port: 0, logger: captureLog().logger });
    try {
      const before = await new ApiClient(stopped.url).get<Json>("/health");
      expect(before.body.database).toBe("up");
      await other.close();
      const res = await new ApiClient(stopped.url).get<ErrorBody>("/ready");
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe("NOT_READY");
      const health = await new ApiClient(stopped.url).get<Json>("/health");
      expect(health.status).toBe(200);
      expect(health.body.status).toBe("ok");
      expect(health.body.database).toBe("down");
      // The last version read is kept: health never blocks on a dead database to learn it.
      expect(health.body.schema_version).toBe(before.body.schema_version);
    } finally {
      await stopped.stop();
    }
  });
}
