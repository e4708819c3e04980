import { expect, test } from "bun:test";
import { ConflictError, ValidationError } from "../../src/errors/index.ts";
import { rejectionOf } from "../support/rejection.ts";
import { finding, scan, urlAnalysis } from "./fixtures.ts";
import { countRows, describeEachBackend, uid } from "./harness.ts";

describeEachBackend("FindingRepository and UrlAnalysisRepository", (ctx) => {
  test("createMany stores thousands of findings in chunks, listed most severe first", async () => {
    const { repos } = ctx();
    const id = uid("scan");
    await repos.scans.create({ id, target: "bulk" });
    const severities = ["info", "low", "medium", "high", "critical"] as const;
    // 2,500 rows x 16 columns is more than one statement's worth of parameters on SQLite.
    const many = Array.from({ length: 2500 }, (_, i) =>
      finding(`${id}-${String(i).padStart(5, "0")}`, { severity: severities[i % 5] }),
    );
    const stored = await repos.findings.createMany(id, many);
    expect(stored).toHaveLength(2500);
    const listed = await repos.findings.listByScan(id);
    expect(listed).toEqual(stored);
    expect(listed[0]?.severity).toBe("critical");
    expect(listed[0]?.id).toBe(`${id}-00004`);
    expect(listed.at(-1)?.severity).toBe("info");
    expect(await repos.findings.countBySeverity(id)).toEqual({
      critical: 500,
      high: 500,
      medium: 500,
      low: 500,
      info: 500,
    });
  });

  test("a duplicate in the last chunk rolls back every chunk", async () => {
    const { repos, db } = ctx();
    const id = uid("scan");
    await repos.scans.create({ id, target: "bulk" });
    const taken = `${id}-taken`;
    await repos.findings.create(id, finding(taken));
    const many = Array.from({ length: 2100 }, (_, i) => finding(`${id}-${i}`));
    many.push(finding(taken));
    expect(await rejectionOf(repos.findings.createMany(id, many))).toBeInstanceOf(ConflictError);
    expect(await countRows(db, "findings", "scan_id = ?", [id])).toBe(1);
  });

  test("findings for a scan that does not exist: ValidationError on scan_id, nothing written", async () => {
    const { repos, db } = ctx();
    const error = await rejectionOf(repos.findings.createMany("no-such-scan", [finding(uid("f"))]));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe("scan_id");
    expect(await countRows(db, "findings", "scan_id = ?", ["no-such-scan"])).toBe(0);
  });

  test("listBySeverity filters by severity and category; get by id", async () => {
    const { repos } = ctx();
    const id = uid("scan");
    await repos.scans.saveScan(
      scan(id, {
        findings: [
          finding(`${id}-1`, {
            severity: "medium",
            category: "prompt_injection",
            detected_at: "2098-01-01T00:00:01Z",
          }),
          finding(`${id}-2`, {
            severity: "medium",
            category: "typosquatting",
            detected_at: "2098-01-01T00:00:02Z",
          }),
          finding(`${id}-3`, { severity: "low" }),
        ],
      }),
    );
    const medium = await repos.findings.listBySeverity("medium", { limit: 2 });
    expect(medium.map((f) => f.id)).toEqual([`${id}-2`, `${id}-1`]);
    const injected = await repos.findings.listBySeverity("medium", {
      category: "prompt_injection",
      limit: 1,
    });
    expect(injected.map((f) => f.id)).toEqual([`${id}-1`]);
    expect((await repos.findings.get(`${id}-2`))?.detected_at).toBe("2098-01-01T00:00:02.000Z");
    expect(await repos.findings.get("nope")).toBeNull();
    expect(
      ((await rejectionOf(repos.findings.listBySeverity("bad" as never))) as ValidationError).field,
    ).toBe("severity");
  });

  test("URL analyses by scan, in fetch order", async () => {
    const { repos } = ctx();
    const id = uid("scan");
    const saved = await repos.scans.saveScan(
      scan(id, {
        url_analysis: [
          urlAnalysis(`${id}-late`, { fetched_at: "2026-01-01T00:00:02.000Z" }),
          urlAnalysis(`${id}-early`, {
            fetched_at: "2026-01-01T00:00:01.000Z",
            final_url: null,
            status_code: null,
          }),
        ],
      }),
    );
    const listed = await repos.urlAnalysis.listByScan(id);
    expect(listed).toEqual(saved.url_analysis);
    expect(listed.map((u) => u.id)).toEqual([`${id}-early`, `${id}-late`]);
    expect(listed[0]).toMatchObject({
      final_url: null,
      status_code: null,
      fetched_at: "2026-01-01T00:00:01.000Z",
    });
    const added = await repos.urlAnalysis.create(id, urlAnalysis(`${id}-more`, { is_malicious: false }));
    expect(await repos.urlAnalysis.get(`${id}-more`)).toEqual(added);
    const bad = await rejectionOf(repos.urlAnalysis.create("no-such-scan", urlAnalysis(uid("u"))));
    expect((bad as ValidationError).field).toBe("scan_id");
  });
});
