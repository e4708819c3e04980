/** Request bodies the service tests post; each call makes fresh ids so tests never collide. */
let counter = 0;
export const uniqueId = (prefix: string) =>
  `${prefix}-${Date.now().toString(36)}-${(++counter).toString(36)}-${Math.random().toString(36).slice(2, 6)}`;

/** A scan with findings in no particular order (the service must sort them) and URL analyses. */
export function scanBody(id = uniqueId("scan")) {
  return {
    id,
    target: `skills/${id}/SKILL.md`,
    skill_name: "weather-helper",
    skill_author: "someone",
    skill_sha256: "a".repeat(64),
    status: "completed",
    risk_score: 87,
    overall_severity: "critical",
    verdict: "MALICIOUS",
    layers_executed: ["rule_engine", "url_crawler"],
    errors: ["llm_analyzer: skipped"],
    started_at: "2026-02-01T10:00:00Z",
    completed_at: "2026-02-01T10:00:03Z",
    duration_ms: 3012,
    findings: [
      finding(`${id}-f3`, "low"),
      finding(`${id}-f1`, "critical"),
      finding(`${id}-f2`, "critical"),
      finding(`${id}-f0`, "medium"),
    ],
    url_analysis: [
      {
        id: `${id}-u1`,
        url: "http://91.92.242.30/payload",
        final_url: "http://91.92.242.30/payload.zip",
        status_code: 200,
        content_type: "application/zip",
        redirect_chain: ["http://91.92.242.30/payload"],
        is_malicious: true,
        risk_indicators: ["raw_ip", "archive"],
        domain_reputation: 0.05,
      },
    ],
  };
}

export function finding(id: string, severity: string) {
  return {
    id,
    rule_id: "MALWAR-CMD-001",
    title: `Obfuscated command (${severity})`,
    description: "Base64-encoded shell command piped into bash",
    severity,
    confidence: 0.92,
    category: "obfuscated_command",
    detector_layer: "rule_engine",
    line_start: 12,
    line_end: 14,
    snippet: "echo ... | base64 -d | bash",
    evidence: ["base64 -d", "| bash"],
    ioc_values: ["91.92.242.30"],
    remediation: "Remove the command",
  };
}

export function signatureBody(id = uniqueId("sig"), campaignId: string | null = null) {
  return {
    id,
    name: `Signature ${id}`,
    description: "Test signature",
    severity: "high",
    category: "malicious_url",
    pattern_type: "regex",
    pattern_value: "https?://evil\\.example/.*",
    ioc_type: "url",
    campaign_id: campaignId,
    source: "test",
    enabled: true,
  };
}
