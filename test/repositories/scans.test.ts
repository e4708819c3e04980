import { expect, test } from "bun:test";
import { ConflictError, NotFoundError, ValidationError } from "../../src/errors/index.ts";
import { rejectionOf } from "../support/rejection.ts";
import { finding, scan, urlAnalysis } from "./fixtures.ts";
import { countRows, describeEachBackend, ISO_UTC, uid } from "./harness.ts";

describeEachBackend("ScanRepository", (ctx) => {
  test("saveScan stores scan, findings and URL analyses; getScanWithDetails reads back exactly that", async () => {
    const { repos } = ctx();
    const id = uid("scan");
    const saved = await repos.scans.saveScan(
      scan(id, {
        findings: [
          finding(`${id}-f-low`, { severity: "low" }),
          finding(`${id}-f-b`, { severity: "critical" }),
          finding(`${id}-f-a`, { severity: "critical" }),
          finding(`${id}-F-z`, { severity: "critical" }),
          finding(`${id}-f-info`, { severity: "info", line_start: null, line_end: null }),
        ],
        url_analysis: [urlAnalysis(`${id}-u1`), urlAnalysis(`${id}-u2`, { is_malicious: false })],
      }),
    );
    const read = await repos.scans.getScanWithDetails(id);
    expect(read).toEqual(saved);
    // Most severe first, then id in byte order ("F" < "f"), whatever the database's collation.
    expect(read?.findings.map((f) => f.id.slice(id.length + 1))).toEqual([
      "F-z",
      "f-a",
      "f-b",
      "f-low",
      "f-info",
    ]);
    expect(read?.url_analysis.map((u) => u.is_malicious)).toEqual([true, false]);
    expect(read?.findings[0]?.scan_id).toBe(id);
    expect(read?.created_at).toMatch(ISO_UTC);
    expect(read?.findings[0]?.detected_at).toMatch(ISO_UTC);
    expect(read?.url_analysis[0]?.fetched_at).toMatch(ISO_UTC);
    expect(read?.layers_executed).toEqual(["rule_engine", "url_crawler"]);
    expect(read?.findings[0]?.evidence).toEqual(["curl", "bash"]);
    expect(read?.url_analysis[0]?.redirect_chain).toEqual([
      "https://evil.example/x.sh",
      "https://cdn.evil.example/x.sh",
    ]);
  });

  test("get returns the scan row alone; missing ids read as null", async () => {
    const { repos } = ctx();
    const id = uid("scan");
    const saved = await repos.scans.saveScan(scan(id, { findings: [finding(`${id}-f`)] }));
    const { findings: _f, url_analysis: _u, ...row } = saved;
    expect(await repos.scans.get(id)).toEqual(row);
    expect(await repos.scans.get("no-such-scan")).toBeNull();
    expect(await repos.scans.getScanWithDetails("no-such-scan")).toBeNull();
  });

  test("create applies the column defaults", async () => {
    const { repos } = ctx();
    const created = await repos.scans.create({ target: "skills/x/SKILL.md" });
    expect(created).toMatchObject({
      status: "pending",
      risk_score: 0,
      overall_severity: "info",
      verdict: "CLEAN",
      layers_executed: [],
      errors: [],
      skill_name: null,
      completed_at: null,
      duration_ms: null,
    });
    expect(created.started_at).toMatch(ISO_UTC);
    expect(await repos.scans.get(created.id)).toEqual(created);
  });

  test("a bad finding leaves no scan: ValidationError names the field", async () => {
    const { repos, db } = ctx();
    const id = uid("scan");
    const error = await rejectionOf(
      repos.scans.saveScan(
        scan(id, {
          findings: [finding(`${id}-ok`), finding(`${id}-bad`, { severity: "extreme" as never })],
          url_analysis: [urlAnalysis(`${id}-u`)],
        }),
      ),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe("severity");
    expect((error as ValidationError).message).toContain("findings[1]");
    expect(await repos.scans.get(id)).toBeNull();
    expect(await countRows(db, "findings", "id LIKE ?", [`${id}%`])).toBe(0);
    expect(await countRows(db, "url_analysis", "scan_id = ?", [id])).toBe(0);
  });

  test("a failure inside the transaction (duplicate finding id) rolls the scan back", async () => {
    const { repos, db } = ctx();
    const first = uid("scan");
    await repos.scans.saveScan(scan(first, { findings: [finding(`${first}-f`)] }));
    const second = uid("scan");
    const error = await rejectionOf(
      repos.scans.saveScan(
        scan(second, {
          findings: [finding(`${second}-f`), finding(`${first}-f`)],
          url_analysis: [urlAnalysis(`${second}-u`)],
        }),
      ),
    );
    expect(error).toBeInstanceOf(ConflictError);
    expect(await repos.scans.get(second)).toBeNull();
    expect(await countRows(db, "findings", "scan_id = ?", [second])).toBe(0);
    expect(await countRows(db, "url_analysis", "scan_id = ?", [second])).toBe(0);
  });

  test("saving an existing scan id is a ConflictError", async () => {
    const { repos } = ctx();
    const id = uid("scan");
    await repos.scans.create({ id, target: "t" });
    expect(await rejectionOf(repos.scans.create({ id, target: "t" }))).toBeInstanceOf(ConflictError);
    expect(await rejectionOf(repos.scans.saveScan(scan(id)))).toBeInstanceOf(ConflictError);
  });

  test("listRecent: newest first, verdict filter, bounded limit, paging", async () => {
    const { repos } = ctx();
    const tag = uid("list");
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const id = `${tag}-${i}`;
      ids.push(id);
      await repos.scans.create({
        id,
        target: tag,
        verdict: i % 2 === 0 ? "MALICIOUS" : "CLEAN",
        // Far in the future so these are the newest rows of the shared database.
        created_at: new Date(Date.UTC(2099, 0, 1, 0, 0, i)),
      });
    }
    const newest = await repos.scans.listRecent({ limit: 3 });
    expect(newest.map((s) => s.id)).toEqual([`${tag}-5`, `${tag}-4`, `${tag}-3`]);
    expect(newest[0]?.created_at).toBe("2099-01-01T00:00:05.000Z");
    const next = await repos.scans.listRecent({ limit: 3, offset: 3 });
    expect(next.map((s) => s.id)).toEqual([`${tag}-2`, `${tag}-1`, `${tag}-0`]);
    const malicious = await repos.scans.listRecent({ verdict: "MALICIOUS", limit: 3 });
    expect(malicious.map((s) => s.id)).toEqual([`${tag}-4`, `${tag}-2`, `${tag}-0`]);
    expect(await repos.scans.count({ verdict: "MALICIOUS" })).toBeGreaterThanOrEqual(3);
    // Oversized pages are clamped, not refused.
    const all = await repos.scans.listRecent({ limit: 1_000_000 });
    expect(all.length).toBeLessThanOrEqual(500);
    expect(all.length).toBeGreaterThanOrEqual(6);
    const bad = await rejectionOf(repos.scans.listRecent({ verdict: "EVIL" as never }));
    expect((bad as ValidationError).field).toBe("verdict");
    expect(((await rejectionOf(repos.scans.listRecent({ offset: -1 }))) as ValidationError).field).toBe(
      "offset",
    );
  });

  test("updateStatus changes the status and the given fields only", async () => {
    const { repos } = ctx();
    const id = uid("scan");
    const created = await repos.scans.create({ id, target: "t", status: "running" });
    const updated = await repos.scans.updateStatus(id, "completed", {
      verdict: "SUSPICIOUS",
      risk_score: 40,
      completed_at: "2026-02-01T10:00:09.000Z",
      duration_ms: 9000,
    });
    expect(updated).toEqual({
      ...created,
      status: "completed",
      verdict: "SUSPICIOUS",
      risk_score: 40,
      completed_at: "2026-02-01T10:00:09.000Z",
      duration_ms: 9000,
    });
    expect(await repos.scans.get(id)).toEqual(updated);
    const bad = await rejectionOf(repos.scans.updateStatus(id, "exploded" as never));
    expect((bad as ValidationError).field).toBe("status");
    expect((await repos.scans.get(id))?.status).toBe("completed");
    expect(await rejectionOf(repos.scans.updateStatus("no-such-scan", "failed"))).toBeInstanceOf(
      NotFoundError,
    );
  });

  test("delete removes the scan and, by cascade, its findings and URL analyses", async () => {
    const { repos, db } = ctx();
    const id = uid("scan");
    await repos.scans.saveScan(
      scan(id, { findings: [finding(`${id}-f`)], url_analysis: [urlAnalysis(`${id}-u`)] }),
    );
    expect(await repos.scans.delete(id)).toBe(true);
    expect(await repos.scans.delete(id)).toBe(false);
    expect(await countRows(db, "findings", "scan_id = ?", [id])).toBe(0);
    expect(await countRows(db, "url_analysis", "scan_id = ?", [id])).toBe(0);
  });
});
