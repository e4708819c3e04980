/*
 * One scripted sequence of repository calls, run on SQLite and on PostgreSQL: the results must be
 * deep-equal. Every instant the script can choose is given explicitly; only instants the database
 * stamps itself (DEFAULT NOW(), updated_at on change) differ between the two runs and are masked,
 * after checking their shape.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { DatabaseBackend } from "../../src/backends/database-backend.ts";
import { MalwarError, ValidationError } from "../../src/errors/index.ts";
import { createRepositories, type Repositories } from "../../src/repositories/index.ts";
import { describePostgres } from "../support/postgres.ts";
import { makeTempDir } from "../support/temp-dir.ts";
import { finding, scan, urlAnalysis } from "./fixtures.ts";
import { ISO_UTC, openPostgres, openSqlite } from "./harness.ts";

type Results = Record<string, unknown>;

/** What a call produced, or which error it raised (by class, code and field). */
async function outcome(promise: Promise<unknown>): Promise<unknown> {
  try {
    return { ok: await promise };
  } catch (error) {
    if (!(error instanceof MalwarError)) throw error;
    return {
      error: error.name,
      code: error.code,
      field: error instanceof ValidationError ? error.field : null,
    };
  }
}

const DB_STAMPED = new Set(["created_at", "updated_at"]);

async function script(r: Repositories): Promise<Results> {
  const out: Results = {};
  const t = (s: number) => new Date(Date.UTC(2031, 0, 1, 0, 0, s, s * 7));

  out.saved = await r.scans.saveScan(
    scan("p-scan-1", {
      created_at: t(1),
      findings: [
        finding("p-f-b", { severity: "medium", detected_at: t(1) }),
        finding("P-f-c", { severity: "critical", detected_at: t(1), line_start: null }),
        finding("p-f-a", { severity: "critical", detected_at: t(1), evidence: [], snippet: "🦀 ünïcødé" }),
        finding("p-f-_", { severity: "info", detected_at: t(1), confidence: 0.333 }),
      ],
      url_analysis: [urlAnalysis("p-u-2", { fetched_at: t(1) }), urlAnalysis("p-u-1", { fetched_at: t(1) })],
    }),
  );
  out.details = await r.scans.getScanWithDetails("p-scan-1");
  for (let i = 2; i <= 4; i++) {
    await r.scans.create({
      id: `p-scan-${i}`,
      target: `t${i}`,
      created_at: t(i),
      verdict: i === 3 ? "SUSPICIOUS" : "CLEAN",
      started_at: `2031-01-01T00:00:0${i}Z`,
    });
  }
  out.recent = await r.scans.listRecent({ limit: 10 });
  out.suspicious = await r.scans.listRecent({ verdict: "SUSPICIOUS" });
  out.count = await r.scans.count();
  out.updated = await r.scans.updateStatus("p-scan-2", "failed", {
    errors: ["timeout"],
    duration_ms: 30_000,
  });
  out.missingUpdate = await outcome(r.scans.updateStatus("nope", "failed"));
  out.badScan = await outcome(
    r.scans.saveScan(scan("p-bad", { findings: [finding("p-bad-f", { confidence: 2 })] })),
  );
  out.duplicateScan = await outcome(r.scans.saveScan(scan("p-scan-1")));
  out.afterFailures = await r.scans.count();
  out.byScan = await r.findings.listByScan("p-scan-1");
  out.bySeverity = await r.findings.listBySeverity("critical");
  out.severityCounts = await r.findings.countBySeverity("p-scan-1");
  out.urls = await r.urlAnalysis.listByScan("p-scan-1");

  out.campaign = await r.campaigns.upsert({
    id: "p-camp",
    name: "Parity",
    description: "d",
    first_seen: "2031-01-01",
    last_seen: "2031-01-02",
    iocs: ["1.1.1.1"],
  });
  out.campaignAgain = await r.campaigns.upsert({
    id: "p-camp",
    name: "Parity II",
    description: "d2",
    first_seen: "2031-01-01",
    last_seen: "2031-01-03",
    attributed_to: "someone",
    total_skills_affected: 3,
  });
  out.sigA = await r.signatures.create({
    id: "p-sig-a",
    name: "Parity Alpha",
    description: "d",
    severity: "high",
    category: "malicious_url",
    pattern_type: "exact",
    pattern_value: "evil.example",
    ioc_type: "domain",
    campaign_id: "p-camp",
  });
  out.sigB = await r.signatures.create({
    id: "p-sig-B",
    name: "parity beta",
    description: "d",
    severity: "low",
    category: "typosquatting",
    pattern_type: "fuzzy",
    pattern_value: "reqeusts",
    enabled: false,
  });
  out.sigUpdate = await r.signatures.update("p-sig-B", { enabled: true, source: "parity" });
  out.sigSearch = await r.signatures.list({ search: "PARITY" });
  out.sigBadCampaign = await outcome(r.signatures.update("p-sig-B", { campaign_id: "no-such-campaign" }));
  out.campaignWithSigs = await r.campaigns.getWithSignatures("p-camp");
  out.sigDelete = await r.signatures.delete("p-sig-a");
  out.allSignatures = await r.signatures.list({ limit: 500 });
  out.allCampaigns = await r.campaigns.list({ limit: 500 });
  out.enabledCount = (await r.signatures.listEnabled()).length;

  out.publisher = await r.publishers.upsert({ id: "p-pub", display_name: "Pub", campaigns: ["p-camp"] });
  out.publisherAgain = await r.publishers.upsert({
    id: "p-pub",
    is_known_threat_actor: true,
    reputation_score: 0.05,
  });
  out.publishers = await r.publishers.list({ limit: 500 });

  const created = await r.apiKeys.create({ id: "p-key", name: "parity", role: "analyst" });
  out.keyRecord = created.record;
  out.keyVerified = await r.apiKeys.verify(created.key);
  out.keyWrong = await r.apiKeys.verify(`${created.key}x`);
  await r.apiKeys.touchLastUsed("p-key", t(9));
  out.keyRevoked = await r.apiKeys.revoke("p-key");
  out.keyAfterRevoke = await r.apiKeys.verify(created.key);
  out.keys = await r.apiKeys.list();
  out.activeKeys = await r.apiKeys.countActive();
  out.badRole = await outcome(r.apiKeys.create({ name: "x", role: "god" as never }));

  for (let i = 0; i < 4; i++) {
    await r.auditLog.append({
      event_id: `p-ev-${i}`,
      timestamp: t(10 + i),
      event_type: i % 2 ? "a" : "b",
      actor: "parity",
      resource_type: "scan",
      resource_id: `p-scan-${i}`,
      details: { i, nested: { emoji: "🔥" } },
    });
  }
  out.audit = await r.auditLog.query({ actor: "parity", since: t(11), limit: 2 });
  out.auditByType = await r.auditLog.query({ event_type: "a" });
  out.auditCount = await r.auditLog.count({ until: t(12) });

  await r.apiUsage.record({
    api_key: "p-key",
    endpoint: "/x",
    method: "GET",
    status_code: 200,
    timestamp: t(20),
  });
  await r.apiUsage.record({
    api_key: "p-key",
    endpoint: "/x",
    method: "POST",
    status_code: 201,
    timestamp: t(21),
  });
  await r.apiUsage.record({ api_key: null, endpoint: "/health", method: "GET" });
  out.usageSince = await r.apiUsage.countSince(t(21));
  out.usageAll = await r.apiUsage.countSince(t(0), { api_key: "p-key" });
  out.usageList = await r.apiUsage.listRecent({ api_key: "p-key" });

  out.job = await r.scheduledJobs.create({
    id: "p-job",
    name: "parity job",
    target_path: "/skills",
    schedule: "@daily",
    next_run: t(30),
  });
  out.dueBefore = await r.scheduledJobs.due(t(29));
  out.dueAt = await r.scheduledJobs.due(t(30));
  out.jobMoved = await r.scheduledJobs.updateNextRun("p-job", t(40), t(30));
  out.run = await r.scheduledJobs.createRun({ id: "p-run", job_id: "p-job", started_at: t(30) });
  out.runDone = await r.scheduledJobs.completeRun("p-run", {
    status: "completed",
    scan_id: "p-scan-1",
    verdict: "MALICIOUS",
    risk_score: Number.MAX_SAFE_INTEGER,
    completed_at: t(31),
  });
  out.runs = await r.scheduledJobs.listRuns("p-job");
  out.runOrphan = await outcome(r.scheduledJobs.createRun({ job_id: "none" }));
  return out;
}

/** Replaces database-stamped instants (after checking them) so the two runs can be compared. */
function maskStamped(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskStamped);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  const record = value as Record<string, unknown>;
  // Scans carry app-chosen created_at in this script: they stay compared.
  const isScan = "target" in record;
  for (const [k, v] of Object.entries(record)) {
    if (DB_STAMPED.has(k) && !isScan) {
      expect(v).toMatch(ISO_UTC);
      out[k] = "<db-stamped>";
    } else if (k === "timestamp" && "endpoint" in record && record.api_key === null) {
      expect(v).toMatch(ISO_UTC);
      out[k] = "<db-stamped>";
    } else out[k] = maskStamped(v);
  }
  return out;
}

describePostgres("Repository parity: SQLite and PostgreSQL give identical results", (testDb) => {
  const tmp = makeTempDir("malwar-parity-");
  let sqlite: DatabaseBackend | undefined;
  let pg: DatabaseBackend | undefined;
  beforeAll(async () => {
    sqlite = await openSqlite(tmp.file("parity.db"));
    pg = await openPostgres(testDb().url);
  });
  afterAll(async () => {
    await sqlite?.close();
    await pg?.close();
    tmp.cleanup();
  });

  test("one script, deep-equal results", async () => {
    const fromSqlite = maskStamped(await script(createRepositories(sqlite as DatabaseBackend))) as Results;
    const fromPostgres = maskStamped(await script(createRepositories(pg as DatabaseBackend))) as Results;
    for (const key of Object.keys(fromSqlite)) {
      expect({ [key]: fromPostgres[key] }).toEqual({ [key]: fromSqlite[key] });
    }
    expect(Object.keys(fromPostgres)).toEqual(Object.keys(fromSqlite));
    // The script is not vacuous: spot checks of what both produced.
    const details = fromSqlite.details as { findings: { id: string }[] };
    expect(details.findings.map((f) => f.id)).toEqual(["P-f-c", "p-f-a", "p-f-b", "p-f-_"]);
    expect(fromSqlite.badScan).toEqual({
      error: "ValidationError",
      code: "VALIDATION_ERROR",
      field: "confidence",
    });
    expect(fromSqlite.sigBadCampaign).toMatchObject({ error: "ValidationError", field: "campaign_id" });
    expect(fromSqlite.keyWrong).toBeNull();
    expect(fromSqlite.afterFailures).toBe(fromSqlite.count);
  });
});
