/**
 * The repository contract (DESIGN.md "Repositories"), written once; the black-box suite
 * (test/contract/public-contract.test.ts) runs it per backend through src/index.ts.
 * `open` returns a new, migrated backend.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import {
  ApiKeyRepository,
  ApiUsageRepository,
  AuditLogRepository,
  CampaignRepository,
  type DatabaseBackend,
  FindingRepository,
  PublisherRepository,
  ScanRepository,
  ScheduledJobRepository,
  SignatureRepository,
  UrlAnalysisRepository,
} from "../../src/index.ts";
import { rejectionOf } from "../support/rejection.ts";

export function repositoryContract(open: () => Promise<DatabaseBackend>): void {
  let db: DatabaseBackend;
  beforeAll(async () => {
    db = await open();
  });
  afterAll(async () => {
    await db?.close();
  });

  test("the ten repository classes are constructed with a backend", () => {
    for (const Repo of [
      ScanRepository,
      FindingRepository,
      SignatureRepository,
      CampaignRepository,
      PublisherRepository,
      UrlAnalysisRepository,
      ApiUsageRepository,
      AuditLogRepository,
      ApiKeyRepository,
      ScheduledJobRepository,
    ]) {
      expect(new Repo(db)).toBeInstanceOf(Repo);
    }
  });

  test("a scan is saved with its findings and URL analyses; plain objects in the stated shape", async () => {
    const scans = new ScanRepository(db);
    const saved = await scans.saveScan({
      id: "scan-contract-1",
      target: "skills/x/SKILL.md",
      skill_name: "x",
      status: "completed",
      risk_score: 80,
      overall_severity: "high",
      verdict: "MALICIOUS",
      layers_executed: ["rule_engine"],
      started_at: "2024-05-01T10:00:00Z",
      findings: [
        {
          id: "f-b",
          rule_id: "R1",
          title: "low thing",
          description: "d",
          severity: "low",
          confidence: 0.5,
          category: "prompt_injection",
          detector_layer: "rule_engine",
        },
        {
          id: "f-a",
          rule_id: "R2",
          title: "bad thing",
          description: "d",
          severity: "critical",
          confidence: 0.9,
          category: "known_malware",
          detector_layer: "rule_engine",
          evidence: ["e1"],
        },
      ],
      url_analysis: [{ id: "u-1", url: "https://evil.example", is_malicious: true, risk_indicators: ["x"] }],
    });
    const got = await scans.getScanWithDetails("scan-contract-1");
    expect(got).toEqual(saved);
    if (!got) throw new Error("scan not stored");
    expect(got.layers_executed).toEqual(["rule_engine"]);
    expect(got.risk_score).toBe(80);
    expect(got.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    expect(got.findings.map((f) => f.id)).toEqual(["f-a", "f-b"]);
    expect(got.findings[0]?.evidence).toEqual(["e1"]);
    expect("scan_id" in (got.findings[0] ?? {})).toBe(true);
    expect(got.url_analysis[0]?.is_malicious).toBe(true);
    expect(got.url_analysis[0]?.risk_indicators).toEqual(["x"]);
  });

  test("a scan whose finding is refused leaves nothing behind (one transaction)", async () => {
    const scans = new ScanRepository(db);
    await rejectionOf(
      scans.saveScan({
        id: "scan-contract-2",
        target: "t",
        findings: [
          {
            id: "f-a", // already stored by the previous test: the insert collides
            rule_id: "R",
            title: "t",
            description: "d",
            severity: "low",
            confidence: 0.1,
            category: "prompt_injection",
            detector_layer: "rule_engine",
          },
        ],
      }),
    );
    expect(await scans.get("scan-contract-2")).toBeNull();
  });

  test("seeded signatures come back with boolean flags and ISO-8601 Z instants", async () => {
    const signatures = await new SignatureRepository(db).list();
    expect(signatures.length).toBeGreaterThan(0);
    for (const s of signatures.slice(0, 5)) {
      expect(typeof s.enabled).toBe("boolean");
      expect(s.created_at).toMatch(/Z$/);
    }
  });
}
