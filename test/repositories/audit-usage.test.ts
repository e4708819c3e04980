import { expect, setDefaultTimeout, test } from "bun:test";
import type { ValidationError } from "../../src/errors/index.ts";
import { describeEachBackend, ISO_UTC, thrown, uid } from "./harness.ts";

// Per file: Bun applies a preload's default timeout to the first file only (oven-sh/bun#43787).
setDefaultTimeout(60_000);

describeEachBackend("AuditLogRepository and ApiUsageRepository", (ctx) => {
  test("append returns the entry as stored; details round-trip as an object", async () => {
    const { repos } = ctx();
    const actor = uid("actor");
    const entry = await repos.auditLog.append({
      event_type: "scan.created",
      actor,
      resource_type: "scan",
      resource_id: "s1",
      action: "create",
      details: { verdict: "MALICIOUS", findings: 3, nested: { ok: true, list: [1, "二"] } },
      ip_address: "2001:db8::1",
    });
    expect(entry.timestamp).toMatch(ISO_UTC);
    expect(await repos.auditLog.query({ actor })).toEqual([entry]);
    const defaults = await repos.auditLog.append({ event_type: "cli.run" });
    expect(defaults).toMatchObject({
      actor: "cli",
      resource_type: "",
      resource_id: "",
      action: "",
      details: {},
      ip_address: "",
    });
  });

  test("query filters by time range, event type, actor and resource; newest first; paged", async () => {
    const { repos } = ctx();
    const actor = uid("actor");
    const at = (s: number) => new Date(Date.UTC(2030, 5, 1, 12, 0, s, 500));
    for (let s = 0; s < 6; s++) {
      await repos.auditLog.append({
        event_id: `${actor}-${s}`,
        timestamp: at(s),
        event_type: s % 2 === 0 ? "signature.updated" : "key.created",
        actor,
        resource_type: s < 3 ? "signature" : "api_key",
        resource_id: `r${s}`,
      });
    }
    const ids = (rows: { event_id: string }[]) => rows.map((r) => r.event_id.slice(actor.length + 1));
    expect(ids(await repos.auditLog.query({ actor }))).toEqual(["5", "4", "3", "2", "1", "0"]);
    expect(ids(await repos.auditLog.query({ actor, limit: 2, offset: 2 }))).toEqual(["3", "2"]);
    expect(ids(await repos.auditLog.query({ actor, event_type: "key.created" }))).toEqual(["5", "3", "1"]);
    expect(ids(await repos.auditLog.query({ actor, resource_type: "signature", resource_id: "r1" }))).toEqual(
      ["1"],
    );
    // since inclusive, until exclusive.
    expect(ids(await repos.auditLog.query({ actor, since: at(1), until: at(4) }))).toEqual(["3", "2", "1"]);
    expect(ids(await repos.auditLog.query({ actor, since: "2030-06-01T12:00:04.5Z" }))).toEqual(["5", "4"]);
    expect(await repos.auditLog.count({ actor, event_type: "signature.updated" })).toBe(3);
    expect((await repos.auditLog.query({ actor }))[0]?.timestamp).toBe("2030-06-01T12:00:05.500Z");
    const bad = await thrown(repos.auditLog.query({ since: "not a date" }));
    expect((bad as ValidationError).field).toBe("since");
  });

  test("api_usage: record, then countSince by time and key", async () => {
    const { repos } = ctx();
    const key = uid("key");
    const before = new Date(Date.now() - 60_000);
    await repos.apiUsage.record({
      api_key: key,
      endpoint: "/api/v1/scans",
      method: "POST",
      status_code: 201,
    });
    await repos.apiUsage.record({ api_key: key, endpoint: "/api/v1/scans", method: "GET", status_code: 200 });
    await repos.apiUsage.record({
      api_key: key,
      endpoint: "/api/v1/scans",
      method: "GET",
      status_code: 200,
      timestamp: "2020-01-01T00:00:00Z",
    });
    await repos.apiUsage.record({ api_key: null, endpoint: "/api/v1/health", method: "GET" });
    expect(await repos.apiUsage.countSince(before, { api_key: key })).toBe(2);
    expect(await repos.apiUsage.countSince("2019-12-31T23:59:59Z", { api_key: key })).toBe(3);
    // Inclusive at the exact instant, including whole seconds.
    expect(await repos.apiUsage.countSince("2020-01-01T00:00:00.000Z", { api_key: key })).toBe(3);
    expect(await repos.apiUsage.countSince("2020-01-01T00:00:00.001Z", { api_key: key })).toBe(2);
    expect(await repos.apiUsage.countSince(before)).toBeGreaterThanOrEqual(3);
    const recent = await repos.apiUsage.listRecent({ api_key: key });
    expect(recent).toHaveLength(3);
    expect(recent.at(-1)).toMatchObject({
      timestamp: "2020-01-01T00:00:00.000Z",
      status_code: 200,
      method: "GET",
    });
    expect(typeof recent[0]?.id).toBe("number");
    const bad = await thrown(repos.apiUsage.record({ endpoint: "", method: "GET" }));
    expect((bad as ValidationError).field).toBe("endpoint");
  });
});
