/**
 * Keys and roles: open mode while no active key exists, then every role against every route.
 * Called once per backend by auth-*.test.ts.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { DatabaseBackend } from "../../../src/backends/database-backend.ts";
import { ApiKeyRepository, SignatureRepository } from "../../../src/repositories/index.ts";
import {
  type Permission,
  ROLES,
  type Role,
  type RunningService,
  startService,
} from "../../../src/service/index.ts";
import { captureLog } from "../../support/capture-log.ts";
import { ApiClient, type ErrorBody } from "./api-client.ts";
import { tableCounts } from "./backends.ts";
import { scanBody, signatureBody, uniqueId } from "./fixtures.ts";

type Json = Record<string, unknown>;

/**
 * The permission table, written out independently of src/service/permissions.ts so that a change
 * there shows up here as a failure rather than being mirrored silently.
 */
const EXPECTED: Record<Role, readonly Permission[]> = {
  admin: [
    "scans:read",
    "scans:write",
    "signatures:read",
    "signatures:write",
    "campaigns:read",
    "publishers:read",
    "audit:read",
    "keys:manage",
    "usage:read",
  ],
  analyst: [
    "scans:read",
    "scans:write",
    "signatures:read",
    "signatures:write",
    "campaigns:read",
    "publishers:read",
    "audit:read",
  ],
  scanner: ["scans:read", "scans:write"],
  readonly: ["scans:read", "audit:read"],
};

interface RouteCase {
  name: string;
  permission: Permission | null;
  ok: number;
  /** Writes exactly one audit row when it succeeds. */
  audited: boolean;
  run(api: ApiClient): Promise<{ status: number; body: unknown }>;
}

export function authSuite(open: () => Promise<DatabaseBackend>): void {
  // Nested, so this suite's afterAll (stop, flush, close) runs before an enclosing one drops the database.
  describe("auth", () => authTests(open));
}

function authTests(open: () => Promise<DatabaseBackend>): void {
  let backend: DatabaseBackend;
  let service: RunningService;
  let anon: ApiClient;
  const keys = {} as Record<Role, string>;
  const keyNames = {} as Record<Role, string>;
  let scanId: string;

  const routes: RouteCase[] = [
    { name: "GET /health", permission: null, ok: 200, audited: false, run: (a) => a.get("/health") },
    { name: "GET /ready", permission: null, ok: 200, audited: false, run: (a) => a.get("/ready") },
    {
      name: "POST /scans",
      permission: "scans:write",
      ok: 201,
      audited: true,
      run: (a) => a.post("/scans", scanBody()),
    },
    { name: "GET /scans", permission: "scans:read", ok: 200, audited: false, run: (a) => a.get("/scans") },
    {
      name: "GET /scans/:id",
      permission: "scans:read",
      ok: 200,
      audited: false,
      run: (a) => a.get(`/scans/${scanId}`),
    },
    {
      name: "GET /signatures",
      permission: "signatures:read",
      ok: 200,
      audited: false,
      run: (a) => a.get("/signatures"),
    },
    {
      name: "POST /signatures",
      permission: "signatures:write",
      ok: 201,
      audited: true,
      run: (a) => a.post("/signatures", signatureBody()),
    },
    {
      name: "GET /signatures/:id",
      permission: "signatures:read",
      ok: 200,
      audited: false,
      run: (a) => a.get("/signatures/sig-clawhavoc-c2-ip"),
    },
    {
      name: "PUT /signatures/:id",
      permission: "signatures:write",
      ok: 200,
      audited: true,
      run: async (a) => a.put(`/signatures/${await freshSignature()}`, { enabled: false }),
    },
    {
      name: "DELETE /signatures/:id",
      permission: "signatures:write",
      ok: 204,
      audited: true,
      run: async (a) => a.delete(`/signatures/${await freshSignature()}`),
    },
    {
      name: "GET /campaigns",
      permission: "campaigns:read",
      ok: 200,
      audited: false,
      run: (a) => a.get("/campaigns"),
    },
    {
      name: "GET /campaigns/:id",
      permission: "campaigns:read",
      ok: 200,
      audited: false,
      run: (a) => a.get("/campaigns/campaign-clawhavoc-001"),
    },
    {
      name: "GET /publishers/:id",
      permission: "publishers:read",
      ok: 200,
      audited: false,
      run: async (a) => a.get(`/publishers/${encodeURIComponent(await somePublisher())}`),
    },
    { name: "GET /audit", permission: "audit:read", ok: 200, audited: false, run: (a) => a.get("/audit") },
    { name: "GET /usage", permission: "usage:read", ok: 200, audited: false, run: (a) => a.get("/usage") },
    { name: "GET /keys", permission: "keys:manage", ok: 200, audited: false, run: (a) => a.get("/keys") },
    {
      name: "DELETE /keys/:id",
      permission: "keys:manage",
      ok: 200,
      audited: true,
      run: async (a) => a.delete(`/keys/${await freshKey()}`),
    },
    {
      name: "POST /keys",
      permission: "keys:manage",
      ok: 201,
      audited: true,
      run: (a) => a.post("/keys", { name: uniqueId("made"), role: "readonly" }),
    },
  ];

  async function freshSignature(): Promise<string> {
    const sig = await new SignatureRepository(backend).create(signatureBody() as never);
    return sig.id;
  }
  async function activeKeys(): Promise<number> {
    return new ApiKeyRepository(backend).countActive();
  }
  async function freshKey(): Promise<string> {
    const { record } = await new ApiKeyRepository(backend).create({
      name: uniqueId("doomed"),
      role: "readonly",
    });
    return record.id;
  }
  async function somePublisher(): Promise<string> {
    const row = await backend.fetchOne<{ id: string }>("SELECT id FROM publishers ORDER BY id LIMIT 1");
    return row!.id;
  }
  async function auditCountBy(actor: string): Promise<number> {
    const row = await backend.fetchOne<{ n: unknown }>(
      "SELECT COUNT(*) AS n FROM audit_log WHERE actor = ? AND ip_address = '127.0.0.1'",
      [actor],
    );
    return Number(row?.n);
  }
  async function auditCount(): Promise<number> {
    return (await tableCounts(backend)).audit_log!;
  }

  beforeAll(async () => {
    backend = await open();
    service = startService({ backend, port: 0, logger: captureLog().logger });
    anon = new ApiClient(service.url);
  });
  afterAll(async () => {
    await service?.stop();
    await backend?.close();
  });

  test("the permission table is the one documented", async () => {
    const { ROLE_PERMISSIONS } = await import("../../../src/service/index.ts");
    for (const role of ROLES) expect([...ROLE_PERMISSIONS[role]].sort()).toEqual([...EXPECTED[role]].sort());
    expect([...ROLES]).toEqual(["admin", "analyst", "scanner", "readonly"]);
  });

  test("open mode: with no key stored, every route answers without a key", async () => {
    expect(await new ApiKeyRepository(backend).countActive()).toBe(0);
    const seeded = await anon.post<Json>("/scans", scanBody());
    expect(seeded.status).toBe(201);
    scanId = seeded.body.id as string;
    // Keys last: the first key created ends open mode.
    for (const route of routes.filter((r) => !r.name.includes("/keys"))) {
      const res = await route.run(anon);
      expect({ route: route.name, status: res.status }).toEqual({ route: route.name, status: route.ok });
    }
  });

  test("the first key can be made over HTTP while open; it is returned once and stored hashed", async () => {
    const res = await anon.post<Json>("/keys", { name: "first-admin", role: "admin" });
    expect(res.status).toBe(201);
    const raw = res.body.key as string;
    expect(raw.length).toBeGreaterThan(30);
    expect(res.body).toMatchObject({ name: "first-admin", role: "admin", is_active: true });
    expect(res.body).not.toHaveProperty("key_hash");
    keys.admin = raw;
    keyNames.admin = "first-admin";
    const stored = await backend.fetchAll<Json>("SELECT * FROM api_keys");
    expect(stored).toHaveLength(1);
    expect(JSON.stringify(stored)).not.toContain(raw);
    const audit = await backend.fetchAll<Json>("SELECT * FROM audit_log WHERE resource_type = 'api_key'");
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: "anonymous", action: "create", resource_id: res.body.id });
    expect(JSON.stringify(audit)).not.toContain(raw);

    const admin = anon.withKey(keys.admin);
    for (const role of ["analyst", "scanner", "readonly"] as const) {
      const name = `${role}-key`;
      const made = await admin.post<Json>("/keys", { name, role });
      expect(made.status).toBe(201);
      keys[role] = made.body.key as string;
      keyNames[role] = name;
      const latest = await backend.fetchOne<Json>(
        "SELECT actor, resource_id FROM audit_log WHERE resource_type = 'api_key' AND resource_id = ?",
        [made.body.id as string],
      );
      expect(latest).toEqual({ actor: "first-admin", resource_id: made.body.id });
    }
  });

  test("once a key exists: no key or a wrong key is 401 on every route but health and ready", async () => {
    const wrong = anon.withKey("mlw_this-is-not-a-key");
    for (const route of routes) {
      for (const client of [anon, wrong]) {
        const before = await tableCounts(backend);
        const revokedBefore = before.api_keys! - (await activeKeys());
        const res = await route.run(client);
        const expected = route.permission === null ? route.ok : 401;
        expect({ route: route.name, status: res.status }).toEqual({ route: route.name, status: expected });
        if (expected === 401) {
          expect((res.body as ErrorBody).error.code).toBe("UNAUTHORIZED");
          const after = await tableCounts(backend);
          // Fixtures made by the route case itself (a signature to delete) aside, nothing changes.
          expect(after.audit_log).toBe(before.audit_log!);
          expect(after.scans).toBe(before.scans!);
          // A key made to be deleted is such a fixture; none is deleted or made through HTTP.
          expect(after.api_keys).toBe(before.api_keys! + (route.name === "DELETE /keys/:id" ? 1 : 0));
          expect(await activeKeys()).toBe(after.api_keys! - revokedBefore);
        }
      }
    }
  });

  for (const role of ROLES) {
    test(`role ${role}: allowed routes succeed (audited as the key's name), the rest are 403`, async () => {
      const client = anon.withKey(keys[role]);
      for (const route of routes) {
        const allowed = route.permission === null || EXPECTED[role].includes(route.permission);
        const auditBefore = await auditCount();
        const byThisKeyBefore = await auditCountBy(keyNames[role]);
        const scansBefore = (await tableCounts(backend)).scans!;
        const res = await route.run(client);
        const expected = allowed ? route.ok : 403;
        expect({ route: route.name, role, status: res.status }).toEqual({
          route: route.name,
          role,
          status: expected,
        });
        const auditAfter = await auditCount();
        if (allowed && route.audited) {
          expect(auditAfter).toBe(auditBefore + 1);
          // The one new row names this key as the actor.
          expect(await auditCountBy(keyNames[role])).toBe(byThisKeyBefore + 1);
        } else {
          expect(auditAfter).toBe(auditBefore);
        }
        if (!allowed) {
          expect((res.body as ErrorBody).error.code).toBe("FORBIDDEN");
          expect((await tableCounts(backend)).scans).toBe(scansBefore);
        }
      }
    });
  }

  test("keys that made successful requests have last_used stamped", async () => {
    await service.app.drain();
    const repo = new ApiKeyRepository(backend);
    for (const role of ROLES) {
      const key = (await repo.list()).find((k) => k.name === keyNames[role])!;
      expect({ role, stamped: key.last_used !== null }).toEqual({ role, stamped: true });
    }
  });

  test("usage rows carry the key's id, never the key", async () => {
    await service.app.usage.flush();
    const ids = await backend.fetchAll<{ id: string; name: string }>("SELECT id, name FROM api_keys");
    const used = await backend.fetchAll<{ api_key: string | null }>("SELECT DISTINCT api_key FROM api_usage");
    const usedKeys = used.map((u) => u.api_key).filter((k) => k !== null);
    for (const role of ROLES) expect(usedKeys).toContain(ids.find((k) => k.name === keyNames[role])!.id);
    for (const raw of Object.values(keys)) expect(usedKeys).not.toContain(raw);
  });

  test("a revoked key is 401; revoking every key opens the service again", async () => {
    const repo = new ApiKeyRepository(backend);
    const readonlyKey = (await repo.list()).find((k) => k.name === keyNames.readonly)!;
    expect(await repo.revoke(readonlyKey.id)).toBe(true);
    expect((await anon.withKey(keys.readonly).get("/scans")).status).toBe(401);
    expect((await anon.withKey(keys.scanner).get("/scans")).status).toBe(200);

    for (const key of await repo.list({ activeOnly: true })) await repo.revoke(key.id);
    expect((await anon.get("/scans")).status).toBe(200);
  });
}
