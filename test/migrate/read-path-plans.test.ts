/*
 * Every list, filter and lookup the repositories send to a table that grows (scans, findings,
 * url_analysis, audit_log, api_usage) reads off an index: no full scan of the table and no sort
 * of all its matching rows. The statements are the ones the repositories really send (captured
 * on the way to the backend), planned by each database over 20,000 generated scans (and 40,000
 * findings, 20,000 URL analyses, audit entries and requests) with fresh statistics. A read that
 * combines filters also names the columns one index must seek on together (migration 007): with
 * an index on one of them, the other is checked row by row, and a rare pair reads every row of
 * the first filter for its page and for its capped total.
 */
import { beforeAll, expect, test } from "bun:test";
import { growTo, scaleInstant, scaleScanId } from "../../bench/scale/scale-data.ts";
import type { DatabaseBackend } from "../../src/backends/database-backend.ts";
import { createRepositories, type Repositories } from "../../src/repositories/index.ts";
import { type SqlParam, SqlQuery, sql } from "../../src/sql/index.ts";
import { describeEachBackend, type RepoContext } from "../repositories/harness.ts";

const ROWS = 20_000;
const GROWING = ["scans", "findings", "url_analysis", "audit_log", "api_usage"];

interface Sent {
  query: string | SqlQuery;
  params?: readonly SqlParam[];
}

/** The backend as the repositories see it, noting every read they send. */
function capturing(db: DatabaseBackend, sent: Sent[]): DatabaseBackend {
  return new Proxy(db, {
    get(target, key) {
      if (key === "fetchAll" || key === "fetchOne") {
        return (query: string | SqlQuery, params?: readonly SqlParam[]) => {
          sent.push({ query, params });
          return key === "fetchAll"
            ? target.fetchAll(query as never, params)
            : target.fetchOne(query as never, params);
        };
      }
      const value = Reflect.get(target, key, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/**
 * Problems in one plan: full scans of a growing table, sorts of what an index could order, and,
 * when `seek` names columns of scans, any read of scans whose index does not seek on all of them.
 */
async function planProblems(
  db: DatabaseBackend,
  { query, params }: Sent,
  seek: readonly string[] = [],
): Promise<string[]> {
  const prefix = db.backendName === "sqlite" ? "EXPLAIN QUERY PLAN " : "EXPLAIN (FORMAT JSON) ";
  const explain = (on: DatabaseBackend): Promise<Record<string, unknown>[]> =>
    query instanceof SqlQuery
      ? on.fetchAll(sql`${sql.unsafe(prefix)}${query}`)
      : on.fetchAll(prefix + query, params as SqlParam[]);
  // PostgreSQL plans with sorts and sequential scans priced out: one that still has either means
  // no index can serve the statement. (On 20,000 rows the planner may rightly prefer sorting the
  // two rows a URL has to walking an index; at a million it has hundreds.)
  const rows =
    db.backendName === "sqlite"
      ? await explain(db)
      : await db.transaction(async (tx) => {
          await tx.execute("SET LOCAL enable_sort = off");
          await tx.execute("SET LOCAL enable_seqscan = off");
          return explain(tx);
        });
  const problems: string[] = [];
  if (db.backendName === "sqlite") {
    for (const row of rows) {
      const detail = String(row.detail);
      const scan = /^SCAN (\w+)(.*)$/.exec(detail);
      if (scan && GROWING.includes(scan[1] as string) && !/USING (COVERING )?INDEX/.test(scan[2] as string))
        problems.push(detail);
      if (/USE TEMP B-TREE FOR (ORDER BY|RIGHT PART|LAST)/.test(detail)) problems.push(detail);
      const search = /^(?:SEARCH|SCAN) scans\b(?:.*\((.*)\))?/.exec(detail);
      if (search && seek.length > 0) {
        const constraint = (search[1] ?? "").split(" AND ");
        const missing = seek.filter((column) => !constraint.includes(`${column}=?`));
        if (missing.length > 0) problems.push(`${detail}: does not seek on ${missing.join(", ")}`);
      }
    }
    return problems;
  }
  const raw = rows[0]?.["QUERY PLAN"];
  const plan = (typeof raw === "string" ? JSON.parse(raw) : raw) as { Plan: PgNode }[];
  const mentions = (condition: string | undefined, column: string) =>
    condition !== undefined && new RegExp(`\\b${column}\\b`).test(condition);
  // One index condition must hold every column: a BitmapAnd of two indexes, or a Filter on the
  // scan, reads each filter's rows in full.
  let seeks = seek.length === 0;
  const walk = (node: PgNode) => {
    const type = node["Node Type"];
    if (
      seek.length > 0 &&
      (node["Relation Name"] === "scans" || node["Index Name"]?.startsWith("idx_scans"))
    ) {
      if (seek.every((column) => mentions(node["Index Cond"], column))) seeks = true;
      const checked = seek.filter((column) => mentions(node.Filter, column));
      if (checked.length > 0) problems.push(`${type} on scans checks ${checked.join(", ")} row by row`);
    }
    if (type === "Seq Scan" && GROWING.includes(node["Relation Name"] ?? ""))
      problems.push(`Seq Scan on ${node["Relation Name"]}`);
    if (type === "Sort" || type === "Incremental Sort")
      problems.push(`${type} (${(node["Sort Key"] ?? []).join(", ")})`);
    for (const child of node.Plans ?? []) walk(child);
  };
  for (const p of plan) walk(p.Plan);
  if (!seeks) problems.push(`no index of scans seeks on ${seek.join(", ")}`);
  return problems;
}

interface PgNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Sort Key"?: string[];
  "Index Name"?: string;
  "Index Cond"?: string;
  Filter?: string;
  Plans?: PgNode[];
}

/**
 * The repository calls of the service's reads, each with a name for the failure message,
 * optionally the problems it may show (GET /usage sorts its groups, one per key, endpoint, method
 * and status, never the rows it counts), and the columns of scans one index must seek on.
 */
function reads(repos: Repositories): [string, () => Promise<unknown>, RegExp?, string[]?][] {
  const someScan = scaleScanId(ROWS / 2);
  const since = scaleInstant(ROWS - 3_600);
  return [
    ["scans.get", () => repos.scans.get(someScan)],
    ["scans.getScanWithDetails", () => repos.scans.getScanWithDetails(someScan)],
    ["scans.listRecent", () => repos.scans.listRecent({ limit: 50 })],
    ["scans.listRecent verdict", () => repos.scans.listRecent({ verdict: "MALICIOUS" })],
    ["scans.listRecent status", () => repos.scans.listRecent({ status: "failed" })],
    [
      "scans.listRecent verdict+status",
      () => repos.scans.listRecent({ verdict: "CLEAN", status: "failed" }),
      undefined,
      ["status", "verdict"],
    ],
    ["scans.listPage (capped total)", () => repos.scans.listPage({ limit: 50 })],
    ["scans.listPage verdict", () => repos.scans.listPage({ verdict: "MALICIOUS" })],
    ["scans.listPage status", () => repos.scans.listPage({ status: "failed" })],
    ["scans.listPage severity", () => repos.scans.listPage({ severity: "critical" })],
    [
      "scans.listPage verdict+status",
      () => repos.scans.listPage({ verdict: "CLEAN", status: "failed" }),
      undefined,
      ["status", "verdict"],
    ],
    [
      "scans.listPage status+severity",
      () => repos.scans.listPage({ status: "failed", severity: "info" }),
      undefined,
      ["status", "overall_severity"],
    ],
    [
      "scans.listPage verdict+severity",
      () => repos.scans.listPage({ verdict: "CLEAN", severity: "critical" }),
      undefined,
      ["verdict", "overall_severity"],
    ],
    [
      "scans.listPage verdict+status+from+to",
      () => repos.scans.listPage({ verdict: "CLEAN", status: "failed", from: since, to: scaleInstant(ROWS) }),
      undefined,
      ["status", "verdict"],
    ],
    [
      "scans.listPage verdict+status+cursor",
      () =>
        repos.scans.listPage({
          verdict: "CLEAN",
          status: "failed",
          after: { created_at: scaleInstant(ROWS / 2), id: someScan },
        }),
      undefined,
      ["status", "verdict"],
    ],
    [
      "scans.listPage target",
      () =>
        repos.scans.listPage({ target: `skills/publisher-${(ROWS / 2) % 97}/skill-${ROWS / 2}/SKILL.md` }),
    ],
    ["scans.listPage from+to", () => repos.scans.listPage({ from: since, to: scaleInstant(ROWS) })],
    [
      "scans.listPage cursor",
      () => repos.scans.listPage({ after: { created_at: scaleInstant(ROWS / 2), id: someScan } }),
    ],
    [
      "scans.listPage verdict+cursor",
      () =>
        repos.scans.listPage({
          verdict: "MALICIOUS",
          after: { created_at: scaleInstant(ROWS / 2), id: someScan },
        }),
    ],
    ["findings.listByScan", () => repos.findings.listByScan(someScan)],
    ["findings.listBySeverity", () => repos.findings.listBySeverity("critical")],
    [
      "findings.listBySeverity category",
      () => repos.findings.listBySeverity("high", { category: "known_malware" }),
    ],
    ["urlAnalysis.listByScan", () => repos.urlAnalysis.listByScan(someScan)],
    [
      "urlAnalysis.listMaliciousByUrl",
      () => repos.urlAnalysis.listMaliciousByUrl("https://download.example-10.com/install.sh"),
    ],
    ["auditLog.query", () => repos.auditLog.query({})],
    ["auditLog.query event_type", () => repos.auditLog.query({ event_type: "key_revoked" })],
    ["auditLog.query actor", () => repos.auditLog.query({ actor: "key-3" })],
    ["auditLog.query resource", () => repos.auditLog.query({ resource_type: "scan", resource_id: someScan })],
    ["auditLog.query since+until", () => repos.auditLog.query({ since, until: scaleInstant(ROWS) })],
    ["auditLog.query event_type+since", () => repos.auditLog.query({ event_type: "scan_created", since })],
    ["apiUsage.listRecent", () => repos.apiUsage.listRecent({})],
    ["apiUsage.listRecent api_key", () => repos.apiUsage.listRecent({ api_key: "key-4" })],
    ["apiUsage.listRecent endpoint", () => repos.apiUsage.listRecent({ endpoint: "/api/v1/audit" })],
    ["apiUsage.countSince", () => repos.apiUsage.countSince(since)],
    [
      "apiUsage.summary",
      () => repos.apiUsage.summary({ since, until: scaleInstant(ROWS + 1) }),
      /USE TEMP B-TREE FOR ORDER BY|^Sort \(/,
    ],
    [
      "apiUsage.summary api_key",
      () => repos.apiUsage.summary({ since, until: scaleInstant(ROWS + 1), api_key: "key-3" }),
      /USE TEMP B-TREE FOR ORDER BY|^Sort \(/,
    ],
  ];
}

describeEachBackend("read paths use the indexes of 006 and 007", (ctx: () => RepoContext) => {
  beforeAll(async () => {
    await growTo(ctx().db, 1, ROWS);
  });

  test("no full scan of a growing table and no sort of all matching rows", async () => {
    const { db } = ctx();
    const sent: Sent[] = [];
    const repos = createRepositories(capturing(db, sent));
    const report: string[] = [];
    for (const [name, call, allowed, seek] of reads(repos)) {
      sent.length = 0;
      await call();
      expect({ name, statements: sent.length }).not.toEqual({ name, statements: 0 });
      for (const one of sent) {
        for (const problem of await planProblems(db, one, seek)) {
          if (allowed === undefined || !allowed.test(problem)) report.push(`${name}: ${problem}`);
        }
      }
    }
    expect(report).toEqual([]);
  });

  test("the check sees a full scan and a sort when there is one", async () => {
    const { db } = ctx();
    const problems = await planProblems(db, {
      query: "SELECT * FROM scans WHERE duration_ms = ? ORDER BY risk_score DESC LIMIT 5",
      params: [250],
    });
    expect(problems.length).toBeGreaterThanOrEqual(2);
  });

  test("the check sees two filters read off one filter's index", async () => {
    const { db } = ctx();
    // Not indexed together: duration_ms is checked on each row of the status index.
    const problems = await planProblems(
      db,
      {
        query:
          "SELECT * FROM scans WHERE status = ? AND duration_ms = ? ORDER BY created_at DESC, id DESC LIMIT 5",
        params: ["failed", 250],
      },
      ["status", "duration_ms"],
    );
    expect(problems).not.toEqual([]);
  });
});
