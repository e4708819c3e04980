import { expect, test } from "bun:test";
import type { ValidationError } from "../../src/errors/index.ts";
import { rejectionOf } from "../support/rejection.ts";
import { describeEachBackend, ISO_UTC, uid } from "./harness.ts";

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
    const bad = await rejectionOf(repos.auditLog.query({ since: "not a date" }));
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
    const bad = await rejectionOf(repos.apiUsage.record({ endpoint: "", method: "GET" }));
    expect((bad as ValidationError).field).toBe("endpoint");
  });

  test("api_usage: recordMany stores a batch as given, and a bad entry anywhere stores none of it", async () => {
    const { repos } = ctx();
    for (const size of [3, 250, 1_001]) {
      const key = uid(`batch${size}`);
      const at = (i: number) => new Date(Date.UTC(2031, 0, 1, 0, 0, 0, i));
      const entries = Array.from({ length: size }, (_, i) => ({
        api_key: i % 2 === 0 ? key : null,
        endpoint: `/api/v1/scans/${key}-${i}`,
        method: i % 3 === 0 ? "POST" : "GET",
        status_code: i === 1 ? null : 200 + (i % 5),
        timestamp: at(i),
      }));
      await repos.apiUsage.recordMany(entries);
      expect(await repos.apiUsage.countSince(at(0), { api_key: key })).toBe(Math.ceil(size / 2));
      const stored = await repos.apiUsage.listRecent({ api_key: key, limit: 1 });
      // Newest first: the last even index.
      const last = size - 1 - ((size - 1) % 2);
      expect(stored[0]).toMatchObject({
        api_key: key,
        endpoint: `/api/v1/scans/${key}-${last}`,
        method: last % 3 === 0 ? "POST" : "GET",
        status_code: 200 + (last % 5),
        timestamp: at(last).toISOString(),
      });
      expect(await repos.apiUsage.countSince(at(0), { endpoint: `/api/v1/scans/${key}-1` })).toBe(1);
      const nullStatus = await repos.apiUsage.listRecent({ endpoint: `/api/v1/scans/${key}-1` });
      expect(nullStatus[0]?.status_code).toBeNull();

      const badKey = uid(`bad${size}`);
      const bad = entries.map((e, i) => ({
        ...e,
        api_key: badKey,
        method: i === size - 1 ? "" : e.method,
      }));
      const error = await rejectionOf(repos.apiUsage.recordMany(bad));
      expect((error as ValidationError).field).toBe("method");
      expect(await repos.apiUsage.countSince(at(0), { api_key: badKey })).toBe(0);
    }
  });

  test("api_usage: recordMany of more rows than one statement holds is still all or nothing", async () => {
    const { repos, db } = ctx();
    const key = uid("atomic");
    const boom = `/boom-${key}`;
    // A row the database itself refuses, past the first statement's rows.
    if (db.backendName === "sqlite") {
      await db.execute(
        `CREATE TRIGGER refuse_${key.replace(/\W/g, "_")} BEFORE INSERT ON api_usage WHEN NEW.endpoint = '${boom}' BEGIN SELECT RAISE(ABORT, 'refused'); END`,
      );
    } else {
      const name = `refuse_${key.replace(/\W/g, "_")}`;
      await db.executeScript(`
        CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF NEW.endpoint = '${boom}' THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$;
        CREATE TRIGGER ${name} BEFORE INSERT ON api_usage FOR EACH ROW EXECUTE FUNCTION ${name}();`);
    }
    const at = new Date(Date.UTC(2031, 0, 2));
    const entries = Array.from({ length: 2_500 }, (_, i) => ({
      api_key: key,
      endpoint: i === 2_400 ? boom : "/api/v1/scans",
      method: "GET",
      status_code: 200,
      timestamp: at,
    }));
    const error = await rejectionOf(repos.apiUsage.recordMany(entries));
    expect(String((error as Error).message)).toContain("refused");
    expect(await repos.apiUsage.countSince(at, { api_key: key })).toBe(0);
    await repos.apiUsage.recordMany(entries.slice(0, 2_400));
    expect(await repos.apiUsage.countSince(at, { api_key: key })).toBe(2_400);
  });
});
