import { expect, test } from "bun:test";
import { ValidationError } from "../../src/errors/index.ts";
import type { Repositories } from "../../src/repositories/index.ts";
import { rejectionOf } from "../support/rejection.ts";
import { finding, scan, urlAnalysis } from "./fixtures.ts";
import { countRows, describeEachBackend, uid } from "./harness.ts";

interface Case {
  name: string;
  field: string;
  table: string;
  run: (repos: Repositories) => Promise<unknown>;
}

const bad = <T>(value: unknown) => value as T;

const CASES: Case[] = [
  {
    name: "finding severity",
    field: "severity",
    table: "findings",
    run: (r) =>
      r.scans.saveScan(scan(uid("s"), { findings: [finding(uid("f"), { severity: bad("CRITICAL") })] })),
  },
  {
    name: "finding category",
    field: "category",
    table: "findings",
    run: (r) =>
      r.scans.saveScan(scan(uid("s"), { findings: [finding(uid("f"), { category: bad("malware") })] })),
  },
  {
    name: "finding detector_layer",
    field: "detector_layer",
    table: "findings",
    run: (r) =>
      r.scans.saveScan(scan(uid("s"), { findings: [finding(uid("f"), { detector_layer: bad("ml") })] })),
  },
  {
    name: "confidence above 1",
    field: "confidence",
    table: "findings",
    run: (r) => r.scans.saveScan(scan(uid("s"), { findings: [finding(uid("f"), { confidence: 1.01 })] })),
  },
  {
    name: "confidence below 0",
    field: "confidence",
    table: "findings",
    run: (r) => r.scans.saveScan(scan(uid("s"), { findings: [finding(uid("f"), { confidence: -0.1 })] })),
  },
  {
    name: "confidence NaN",
    field: "confidence",
    table: "findings",
    run: (r) =>
      r.scans.saveScan(scan(uid("s"), { findings: [finding(uid("f"), { confidence: Number.NaN })] })),
  },
  {
    name: "confidence as text",
    field: "confidence",
    table: "findings",
    run: (r) =>
      r.scans.saveScan(scan(uid("s"), { findings: [finding(uid("f"), { confidence: bad("0.5") })] })),
  },
  {
    name: "fractional line number",
    field: "line_start",
    table: "findings",
    run: (r) => r.scans.saveScan(scan(uid("s"), { findings: [finding(uid("f"), { line_start: 1.5 })] })),
  },
  {
    name: "evidence not an array",
    field: "evidence",
    table: "findings",
    run: (r) =>
      r.scans.saveScan(scan(uid("s"), { findings: [finding(uid("f"), { evidence: bad("curl") })] })),
  },
  {
    name: "scan status",
    field: "status",
    table: "scans",
    run: (r) => r.scans.saveScan(scan(uid("s"), { status: bad("done") })),
  },
  {
    name: "scan verdict",
    field: "verdict",
    table: "scans",
    run: (r) => r.scans.saveScan(scan(uid("s"), { verdict: bad("clean") })),
  },
  {
    name: "scan overall_severity",
    field: "overall_severity",
    table: "scans",
    run: (r) => r.scans.saveScan(scan(uid("s"), { overall_severity: bad("severe") })),
  },
  {
    name: "scan layers_executed item",
    field: "layers_executed[1]",
    table: "scans",
    run: (r) => r.scans.saveScan(scan(uid("s"), { layers_executed: ["rule_engine", "vibes"] })),
  },
  {
    name: "risk_score beyond 2^53",
    field: "risk_score",
    table: "scans",
    run: (r) => r.scans.saveScan(scan(uid("s"), { risk_score: Number.MAX_SAFE_INTEGER + 1 })),
  },
  {
    name: "target with a lone surrogate (would be stored as U+FFFD)",
    field: "target",
    table: "scans",
    run: (r) => r.scans.saveScan(scan(uid("s"), { target: "skills/\ud800/SKILL.md" })),
  },
  {
    name: "finding evidence item with a lone surrogate",
    field: "evidence[0]",
    table: "findings",
    run: (r) => r.scans.saveScan(scan(uid("s"), { findings: [finding(uid("f"), { evidence: ["\udbff"] })] })),
  },
  {
    name: "domain_reputation beyond 2^53 (SQLite cannot bind it exactly)",
    field: "domain_reputation",
    table: "url_analysis",
    run: (r) =>
      r.scans.saveScan(
        scan(uid("s"), { url_analysis: [urlAnalysis(uid("u"), { domain_reputation: 1e308 })] }),
      ),
  },
  {
    name: "missing target",
    field: "target",
    table: "scans",
    run: (r) => r.scans.saveScan(scan(uid("s"), { target: bad(undefined) })),
  },
  {
    name: "skill_sha256 over VARCHAR(64)",
    field: "skill_sha256",
    table: "scans",
    run: (r) => r.scans.saveScan(scan(uid("s"), { skill_sha256: "a".repeat(65) })),
  },
  {
    name: "url_analysis is_malicious as 1",
    field: "is_malicious",
    table: "url_analysis",
    run: (r) =>
      r.scans.saveScan(scan(uid("s"), { url_analysis: [urlAnalysis(uid("u"), { is_malicious: bad(1) })] })),
  },
  {
    name: "api key role",
    field: "role",
    table: "api_keys",
    run: (r) => r.apiKeys.create({ name: "k", role: bad("superuser") }),
  },
  {
    name: "signature pattern_type",
    field: "pattern_type",
    table: "signatures",
    run: (r) =>
      r.signatures.create({
        name: "n",
        description: "d",
        severity: "low",
        category: "typosquatting",
        pattern_type: bad("glob"),
        pattern_value: "x",
      }),
  },
  {
    name: "signature ioc_type",
    field: "ioc_type",
    table: "signatures",
    run: (r) =>
      r.signatures.create({
        name: "n",
        description: "d",
        severity: "low",
        category: "typosquatting",
        pattern_type: "ioc",
        pattern_value: "x",
        ioc_type: bad("email"),
      }),
  },
  {
    name: "signature severity",
    field: "severity",
    table: "signatures",
    run: (r) =>
      r.signatures.create({
        name: "n",
        description: "d",
        severity: bad("urgent"),
        category: "typosquatting",
        pattern_type: "exact",
        pattern_value: "x",
      }),
  },
  {
    name: "signature category",
    field: "category",
    table: "signatures",
    run: (r) =>
      r.signatures.create({
        name: "n",
        description: "d",
        severity: "low",
        category: bad("spam"),
        pattern_type: "exact",
        pattern_value: "x",
      }),
  },
  {
    name: "signature update severity",
    field: "severity",
    table: "signatures",
    run: (r) => r.signatures.update("sig-clawhavoc-c2-ip", { severity: bad("urgent") }),
  },
  {
    name: "publisher reputation above 1",
    field: "reputation_score",
    table: "publishers",
    run: (r) => r.publishers.upsert({ id: uid("p"), reputation_score: 2 }),
  },
  {
    name: "audit details as array",
    field: "details",
    table: "audit_log",
    run: (r) => r.auditLog.append({ event_type: "x", details: bad([1]) }),
  },
  {
    name: "audit timestamp unparseable",
    field: "timestamp",
    table: "audit_log",
    run: (r) => r.auditLog.append({ event_type: "x", timestamp: "yesterday" }),
  },
  {
    name: "job next_run unparseable",
    field: "next_run",
    table: "scheduled_jobs",
    run: (r) => r.scheduledJobs.create({ name: "j", target_path: "/", schedule: "@daily", next_run: "soon" }),
  },
  {
    name: "limit not an integer",
    field: "limit",
    table: "scans",
    run: (r) => r.scans.listRecent({ limit: 2.5 }),
  },
];

describeEachBackend("Domain validation", (ctx) => {
  for (const c of CASES) {
    test(`${c.name}: ValidationError on ${c.field}, nothing written`, async () => {
      const { repos, db } = ctx();
      const before = await countRows(db, c.table);
      const scansBefore = await countRows(db, "scans");
      const signatureBefore = await repos.signatures.get("sig-clawhavoc-c2-ip");
      const error = await rejectionOf(c.run(repos));
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).field).toBe(c.field);
      expect((error as ValidationError).code).toBe("VALIDATION_ERROR");
      expect(await countRows(db, c.table)).toBe(before);
      expect(await countRows(db, "scans")).toBe(scansBefore);
      expect(await repos.signatures.get("sig-clawhavoc-c2-ip")).toEqual(signatureBefore);
    });
  }

  test("every domain value is accepted", async () => {
    const { repos } = ctx();
    const severities = ["critical", "high", "medium", "low", "info"] as const;
    const layers = ["rule_engine", "url_crawler", "llm_analyzer", "threat_intel"] as const;
    const categories = [
      "obfuscated_command",
      "social_engineering",
      "prompt_injection",
      "known_malware",
      "credential_exposure",
      "suspicious_command",
      "data_exfiltration",
      "malicious_url",
      "suspicious_dependency",
      "typosquatting",
      "security_disablement",
      "financial_fraud",
      "detection_evasion",
    ] as const;
    const id = uid("scan");
    const findings = categories.map((category, i) =>
      finding(`${id}-${i}`, {
        category,
        severity: severities[i % 5],
        detector_layer: layers[i % 4],
        confidence: i % 2,
      }),
    );
    const saved = await repos.scans.saveScan(scan(id, { findings }));
    expect(saved.findings).toHaveLength(categories.length);
    for (const verdict of ["CLEAN", "CAUTION", "SUSPICIOUS", "MALICIOUS"] as const) {
      for (const status of ["pending", "running", "completed", "failed"] as const) {
        await repos.scans.create({ target: "t", verdict, status });
      }
    }
    for (const role of ["admin", "analyst", "scanner", "readonly"] as const)
      await repos.apiKeys.create({ name: role, role });
    for (const pattern_type of ["exact", "regex", "fuzzy", "ioc"] as const) {
      for (const ioc_type of ["ip", "url", "domain", "hash", null] as const) {
        await repos.signatures.create({
          name: "n",
          description: "d",
          severity: "low",
          category: "known_malware",
          pattern_type,
          pattern_value: "v",
          ioc_type,
        });
      }
    }
  });
});
