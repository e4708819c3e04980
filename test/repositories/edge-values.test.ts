import { expect, test } from "bun:test";
import type { ValidationError } from "../../src/errors/index.ts";
import { rejectionOf } from "../support/rejection.ts";
import { finding, scan, urlAnalysis } from "./fixtures.ts";
import { describeEachBackend, uid } from "./harness.ts";

const UNICODE = "Skill «ünïcødé» — 日本語 🦀🔥 ZWJ:👩‍💻 combining: é RTL: שלום";

describeEachBackend("Edge values round-trip", (ctx) => {
  test("unicode and emoji text, a 1 MB snippet, empty arrays, null line numbers, MAX_SAFE_INTEGER", async () => {
    const { repos } = ctx();
    const id = uid("edge");
    const big = "x🦀".repeat(350_000).slice(0, 1_048_576);
    const saved = await repos.scans.saveScan(
      scan(id, {
        target: `skills/${UNICODE}/SKILL.md`,
        skill_name: "🦀".repeat(255),
        skill_author: UNICODE,
        risk_score: Number.MAX_SAFE_INTEGER,
        duration_ms: Number.MAX_SAFE_INTEGER,
        layers_executed: [],
        errors: [UNICODE, "", "quote ' and \" and \\ and \n newline"],
        findings: [
          finding(`${id}-big`, {
            title: UNICODE,
            snippet: big,
            evidence: [],
            ioc_values: [],
            line_start: null,
            line_end: null,
            remediation: null,
            confidence: 0,
          }),
          finding(`${id}-max`, {
            line_start: 2147483647,
            line_end: 0,
            confidence: 1,
            snippet: null,
            remediation: "",
          }),
        ],
        url_analysis: [
          urlAnalysis(`${id}-u`, {
            url: `https://例え.テスト/${encodeURIComponent(UNICODE)}`,
            redirect_chain: [],
            risk_indicators: [],
            domain_reputation: 0.1 + 0.2,
          }),
        ],
      }),
    );
    const read = await repos.scans.getScanWithDetails(id);
    expect(read).toEqual(saved);
    expect(read?.skill_name).toBe("🦀".repeat(255));
    expect(read?.target).toBe(`skills/${UNICODE}/SKILL.md`);
    expect(read?.risk_score).toBe(Number.MAX_SAFE_INTEGER);
    expect(read?.duration_ms).toBe(Number.MAX_SAFE_INTEGER);
    expect(read?.layers_executed).toEqual([]);
    expect(read?.errors).toEqual([UNICODE, "", "quote ' and \" and \\ and \n newline"]);
    const bigFinding = read?.findings.find((f) => f.id === `${id}-big`);
    expect(bigFinding?.snippet).toBe(big);
    expect(bigFinding?.snippet?.length).toBe(1_048_576);
    expect(bigFinding).toMatchObject({
      evidence: [],
      ioc_values: [],
      line_start: null,
      line_end: null,
      remediation: null,
      confidence: 0,
    });
    const maxFinding = read?.findings.find((f) => f.id === `${id}-max`);
    expect(maxFinding).toMatchObject({
      line_start: 2147483647,
      line_end: 0,
      snippet: null,
      remediation: "",
      confidence: 1,
    });
    expect(read?.url_analysis[0]?.domain_reputation).toBe(0.1 + 0.2);
    expect(read?.url_analysis[0]?.redirect_chain).toEqual([]);
  });

  test("VARCHAR bounds count characters, not UTF-16 units, on both backends", async () => {
    const { repos } = ctx();
    // 255 emoji are 510 UTF-16 units but 255 characters: fits VARCHAR(255).
    await repos.scans.create({ target: "t", skill_name: "🦀".repeat(255) });
    const error = await rejectionOf(repos.scans.create({ target: "t", skill_name: "🦀".repeat(256) }));
    expect((error as ValidationError).field).toBe("skill_name");
  });

  test("unicode in JSON details and audit fields", async () => {
    const { repos } = ctx();
    const actor = `${uid("actor")}-🦀`;
    const entry = await repos.auditLog.append({
      event_type: "unicode",
      actor,
      details: { text: UNICODE, emoji: ["🔥"] },
    });
    expect(await repos.auditLog.query({ actor })).toEqual([entry]);
    expect(entry.details).toEqual({ text: UNICODE, emoji: ["🔥"] });
  });

  test("integers beyond 2^53 and text with NUL are refused before the database", async () => {
    const { repos } = ctx();
    const big = await rejectionOf(repos.scans.create({ target: "t", duration_ms: 2 ** 53 }));
    expect((big as ValidationError).field).toBe("duration_ms");
    const nul = await rejectionOf(repos.scans.create({ target: "a\0b" }));
    expect((nul as ValidationError).field).toBe("target");
  });
});
