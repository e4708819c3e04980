/**
 * GET /scans paging (cursor, offset, filters, capped total), GET/DELETE /keys, GET /usage and
 * the error shape of invalid input, against one backend. Called by listing-*.test.ts.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { DatabaseBackend } from "../../../src/backends/database-backend.ts";
import { TOTAL_COUNT_CAP } from "../../../src/repositories/index.ts";
import { type RunningService, startService } from "../../../src/service/index.ts";
import { captureLog } from "../../support/capture-log.ts";
import { ApiClient } from "./api-client.ts";
import { scanBody, uniqueId } from "./fixtures.ts";

type Json = Record<string, unknown>;
interface ScanList {
  scans: Json[];
  count: number;
  total: number;
  total_exact: boolean;
  next_cursor: string | null;
}
interface Fields {
  error: { code: string; message: string; fields: { path: string; message: string }[] };
}

export function listingSuite(open: () => Promise<DatabaseBackend>): void {
  describe("listing", () => listingTests(open));
}

function listingTests(open: () => Promise<DatabaseBackend>): void {
  let backend: DatabaseBackend;
  let service: RunningService;
  let api: ApiClient;
  const run = uniqueId("run");
  /** Stored scans of this suite, in the order GET /scans must list them. */
  let expected: { id: string; target: string; severity: string; created_at: string }[] = [];

  beforeAll(async () => {
    backend = await open();
    service = startService({ backend, port: 0, logger: captureLog().logger });
    api = new ApiClient(service.url);
    const severities = ["critical", "high", "low"];
    // 23 scans over 12 distinct instants: ties on created_at must be broken by id, by bytes.
    for (let i = 0; i < 23; i++) {
      const body = {
        ...scanBody(`${run}-${String.fromCharCode(65 + ((i * 7) % 23))}${i % 3 === 0 ? "a" : "B"}-${i}`),
        target: `t-${i % 2}`,
        overall_severity: severities[i % 3],
        created_at: new Date(Date.UTC(2026, 0, 1, 0, 0, Math.floor(i / 2))).toISOString(),
        findings: [],
        url_analysis: [],
      };
      const res = await api.post<Json>("/scans", body);
      expect(res.status).toBe(201);
      expected.push({
        id: body.id,
        target: body.target,
        severity: body.overall_severity as string,
        created_at: body.created_at,
      });
    }
    const utf8 = (s: string) => Buffer.from(s, "utf8");
    expected = expected.sort((a, b) =>
      a.created_at === b.created_at
        ? Buffer.compare(utf8(b.id), utf8(a.id))
        : a.created_at < b.created_at
          ? 1
          : -1,
    );
  });
  afterAll(async () => {
    await service?.stop();
    await backend?.close();
  });

  async function walk(query: string, limit: number): Promise<{ ids: string[]; pages: ScanList[] }> {
    const ids: string[] = [];
    const pages: ScanList[] = [];
    let cursor: string | null = null;
    for (let guard = 0; guard < 100; guard++) {
      const res: { status: number; body: ScanList } = await api.get<ScanList>(
        `/scans?limit=${limit}${query}${cursor === null ? "" : `&cursor=${cursor}`}`,
      );
      expect(res.status).toBe(200);
      pages.push(res.body);
      ids.push(...res.body.scans.map((s) => s.id as string));
      cursor = res.body.next_cursor;
      if (cursor === null) break;
    }
    return { ids, pages };
  }

  test("cursor pages list every scan once, newest first then by id, and the last page says so", async () => {
    const { ids, pages } = await walk(`&from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z`, 5);
    expect(ids).toEqual(expected.map((s) => s.id));
    expect(pages).toHaveLength(5);
    for (const p of pages) {
      expect(p.total).toBe(23);
      expect(p.total_exact).toBe(true);
      expect(p.count).toBe(p.scans.length);
    }
    expect(pages.at(-1)?.next_cursor).toBeNull();
    // Exactly a page's worth left: no empty page after it.
    expect((await walk(`&from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z`, 23)).pages).toHaveLength(1);
  });

  test("offset paging still works and agrees with the cursor", async () => {
    const res = await api.get<ScanList>(
      "/scans?limit=4&offset=6&from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z",
    );
    expect(res.body.scans.map((s) => s.id)).toEqual(expected.slice(6, 10).map((s) => s.id));
    const next = await api.get<ScanList>(
      `/scans?limit=4&cursor=${res.body.next_cursor}&to=2026-01-02T00:00:00Z&from=2026-01-01T00:00:00Z`,
    );
    expect(next.body.scans.map((s) => s.id)).toEqual(expected.slice(10, 14).map((s) => s.id));
  });

  test("filters: target, severity and a created_at window, alone and together, with totals", async () => {
    const window = "&from=2026-01-01T00:00:03Z&to=2026-01-01T00:00:08Z";
    const cases: [string, (s: (typeof expected)[number]) => boolean][] = [
      ["&target=t-1&to=2026-01-02T00:00:00Z", (s) => s.target === "t-1"],
      ["&severity=high&to=2026-01-02T00:00:00Z&from=2026-01-01T00:00:00Z", (s) => s.severity === "high"],
      [
        window,
        (s) => s.created_at >= "2026-01-01T00:00:03.000Z" && s.created_at < "2026-01-01T00:00:08.000Z",
      ],
      [
        `${window}&target=t-0&severity=critical`,
        (s) =>
          s.target === "t-0" &&
          s.severity === "critical" &&
          s.created_at >= "2026-01-01T00:00:03.000Z" &&
          s.created_at < "2026-01-01T00:00:08.000Z",
      ],
    ];
    for (const [query, keep] of cases) {
      const want = expected.filter(keep).map((s) => s.id);
      expect(want.length).toBeGreaterThan(0);
      const { ids, pages } = await walk(query, 3);
      expect({ query, ids }).toEqual({ query, ids: want });
      expect(pages[0]?.total).toBe(want.length);
    }
  });

  test("a bad cursor, a cursor with an offset, or a window backwards is 400 naming the field", async () => {
    for (const [query, path] of [
      ["cursor=not-a-cursor!", "cursor"],
      [`cursor=${Buffer.from('["x","y"]').toString("base64url")}`, "cursor"],
      ["cursor=abc&offset=3", "cursor"],
      ["from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", "to"],
      ["severity=extreme", "severity"],
      ["from=yesterday", "from"],
    ] as const) {
      const res = await api.get<Fields>(`/scans?${query}`);
      expect({ query, status: res.status }).toEqual({ query, status: 400 });
      expect(res.body.error.fields.map((f) => f.path)).toContain(path);
    }
  });

  test("total stops counting at the cap and says it is not exact", async () => {
    const n = TOTAL_COUNT_CAP + 5;
    const target = uniqueId("bulk");
    const rows: unknown[][] = [];
    for (let i = 0; i < n; i++)
      rows.push([`${target}-${i}`, target, "2026-03-01T00:00:00Z", "2026-03-01 00:00:00"]);
    await backend.executeMany(
      "INSERT INTO scans (id, target, started_at, created_at) VALUES (?, ?, ?, ?)",
      rows as never,
    );
    const res = await api.get<ScanList>(`/scans?target=${target}&limit=2`);
    expect(res.body.total).toBe(TOTAL_COUNT_CAP);
    expect(res.body.total_exact).toBe(false);
    expect(res.body.scans).toHaveLength(2);
    await backend.execute("DELETE FROM scans WHERE target = ? AND id NOT LIKE ?", [target, `${target}-1%`]);
    const fewer = await api.get<ScanList>(`/scans?target=${target}&limit=2`);
    expect(fewer.body.total_exact).toBe(true);
    expect(fewer.body.total).toBe(rows.filter((r) => (r[0] as string).startsWith(`${target}-1`)).length);
    await backend.execute("DELETE FROM scans WHERE target = ?", [target]);
  });

  test("GET /keys lists keys without hashes; DELETE revokes once, audited; again is 409, unknown 404", async () => {
    const made = await api.post<Json>("/keys", { name: "lister", role: "admin" });
    expect(made.status).toBe(201);
    const key = made.body.key as string;
    const admin = api.withKey(key);
    const victim = await admin.post<Json>("/keys", { name: "victim", role: "scanner" });
    const listed = await admin.get<{ keys: Json[]; count: number }>("/keys");
    expect(listed.status).toBe(200);
    // Keys made in the same second may come in either order (by created_at, then by id).
    expect(listed.body.keys.map((k) => k.name).sort()).toEqual(["lister", "victim"]);
    expect(Object.keys(listed.body.keys[0] as Json).sort()).toEqual(
      ["created_at", "id", "is_active", "last_used", "name", "role"].sort(),
    );
    expect(listed.text).not.toContain(key);
    const hashes = await backend.fetchAll<{ key_hash: string }>("SELECT key_hash FROM api_keys");
    for (const { key_hash } of hashes) expect(listed.text).not.toContain(key_hash);

    const revoked = await admin.delete<Json>(`/keys/${victim.body.id}`);
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ revoked: true, key: { id: victim.body.id, is_active: false } });
    expect((await api.withKey(victim.body.key as string).get("/scans")).status).toBe(401);
    const audit = await backend.fetchAll<Json>(
      "SELECT actor, action, event_type FROM audit_log WHERE resource_type = 'api_key' AND resource_id = ?",
      [victim.body.id as string],
    );
    expect(audit).toEqual([
      { actor: "lister", action: "create", event_type: "api_key_created" },
      { actor: "lister", action: "delete", event_type: "api_key_revoked" },
    ]);
    const again = await admin.delete<Fields>(`/keys/${victim.body.id}`);
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/already revoked/);
    const unknown = await admin.delete<Fields>("/keys/no-such-key");
    expect(unknown.status).toBe(404);
    const active = await admin.get<{ keys: Json[] }>("/keys?active=true");
    expect(active.body.keys.map((k) => k.name)).toEqual(["lister"]);
    // Back to open mode for the tests after this one.
    expect((await admin.delete(`/keys/${made.body.id}`)).status).toBe(200);
  });

  test("GET /usage counts requests by key, endpoint, method and status over a window", async () => {
    const before = new Date().toISOString();
    const marker = `/api/v1/scans/${uniqueId("usage")}`;
    for (let i = 0; i < 3; i++) expect((await api.get(marker.slice("/api/v1".length))).status).toBe(404);
    const res = await api.get<{ total_requests: number; groups: Json[] }>(
      `/usage?from=${before}&endpoint=${encodeURIComponent(marker)}`,
    );
    expect(res.status).toBe(200);
    expect(res.body.groups).toEqual([
      { api_key: null, key_name: null, endpoint: marker, method: "GET", status_code: 404, requests: 3 },
    ]);
    expect(res.body.total_requests).toBe(3);
    const all = await api.get<{ total_requests: number; groups: { requests: number }[] }>(
      `/usage?from=${before}`,
    );
    expect(all.body.total_requests).toBeGreaterThanOrEqual(4);
    const counts = all.body.groups.map((g) => g.requests);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    const future = await api.get<{ total_requests: number; groups: Json[] }>(
      "/usage?from=2999-01-01T00:00:00Z&to=2999-01-02T00:00:00Z",
    );
    expect(future.body).toMatchObject({ total_requests: 0, groups: [] });
  });

  test("every invalid field is reported at once, in the service's words", async () => {
    const res = await api.post<Fields>("/scans", {
      target: "",
      started_at: 5,
      verdict: "EVIL",
      risk_score: 1.5,
      findings: [{ rule_id: "r", title: "t", description: "d", severity: "high", confidence: 2 }],
      colour: "red",
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("VALIDATION_ERROR");
    const byPath = Object.fromEntries(res.body.error.fields.map((f) => [f.path, f.message]));
    expect(byPath).toEqual({
      target: "must not be empty",
      started_at: "must be a string",
      verdict: "must be one of CLEAN, CAUTION, SUSPICIOUS, MALICIOUS",
      risk_score: "must be a whole number",
      "findings[0].confidence": "must be at most 1",
      "findings[0].category": "is required",
      "findings[0].detector_layer": "is required",
      colour: "is not a known field",
    });
    for (const f of res.body.error.fields)
      expect(res.body.error.message).toContain(`${f.path}: ${f.message}`);

    const query = await api.get<Fields>("/scans?limit=abc&constructor=1&__proto__=1&toString=x");
    expect(query.status).toBe(400);
    expect(query.body.error.fields).toEqual([
      { path: "limit", message: "must be a number" },
      { path: "constructor", message: "is not a known field" },
      { path: "__proto__", message: "is not a known field" },
      { path: "toString", message: "is not a known field" },
    ]);
    const repeated = await api.get<Fields>("/scans?limit=1&limit=2");
    expect(repeated.body.error.fields).toEqual([{ path: "limit", message: "is given more than once" }]);
  });
}
