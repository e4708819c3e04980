/**
 * The reads the scale tier times: each read route's repository call, as the service makes it,
 * against a database holding `size` generated scans (scale-data.ts). Every read returns a count
 * of what it read, so the work cannot be skipped and an empty answer (a broken filter) shows.
 */
import type { DatabaseBackend } from "../../src/backends/database-backend.ts";
import { createRepositories } from "../../src/repositories/index.ts";
import { rng } from "../fixtures.ts";
import { scaleInstant, scaleScanId } from "./scale-data.ts";

export interface ScaleRead {
  id: string;
  /** The route and what it asks for. */
  route: string;
  /** Calls per timed round (slow reads make fewer). */
  calls: number;
  /** Reads grow by nature (an offset page walks every row it skips): reported, not a target. */
  linear?: true;
  run(k: number): Promise<number>;
}

/** One hour of requests: the generator writes one a second. */
const WINDOW_SECONDS = 3_600;

export function scaleReads(db: DatabaseBackend, size: number, calls: number): ScaleRead[] {
  const repos = createRepositories(db);
  const random = rng(size);
  const ids = Array.from({ length: calls }, () => scaleScanId(1 + Math.floor(random() * size)));
  const middle = Math.floor(size / 2);
  // The keyset page at the middle, what a client reaches by following next_cursor half way, in
  // the form ScanRepository.listPage sends (a created_at range the index can seek to).
  const cursorAt = { created_at: scaleInstant(middle), id: scaleScanId(middle) };
  const targetOfMiddle = `skills/publisher-${middle % 97}/skill-${middle}/SKILL.md`;
  const windowAt = (i: number) => scaleInstant(i - WINDOW_SECONDS);
  const windowFrom = scaleInstant(size - WINDOW_SECONDS);
  const rows = async (p: Promise<readonly unknown[]>) => (await p).length;
  const pageRows = async (p: Promise<{ scans: readonly unknown[] }>) => (await p).scans.length;
  return [
    {
      id: "get",
      route: "GET /scans/:id (getScanWithDetails, random ids)",
      calls,
      run: async (k) => {
        const scan = await repos.scans.getScanWithDetails(ids[k % ids.length] as string);
        return scan === null ? 0 : 1 + scan.findings.length + scan.url_analysis.length;
      },
    },
    {
      id: "list",
      route: "GET /scans (newest 50, capped total)",
      calls,
      run: () => pageRows(repos.scans.listPage({ limit: 50 })),
    },
    {
      id: "list-verdict",
      route: "GET /scans?verdict=MALICIOUS",
      calls,
      run: () => pageRows(repos.scans.listPage({ verdict: "MALICIOUS", limit: 50 })),
    },
    {
      id: "list-status",
      route: "GET /scans?status=failed (2% of rows)",
      calls,
      run: () => pageRows(repos.scans.listPage({ status: "failed", limit: 50 })),
    },
    {
      id: "list-verdict-status",
      route: "GET /scans?verdict=CLEAN&status=failed",
      calls,
      run: () => pageRows(repos.scans.listPage({ verdict: "CLEAN", status: "failed", limit: 50 })),
    },
    {
      id: "list-verdict-severity",
      route: "GET /scans?verdict=CLEAN&severity=critical",
      calls,
      run: () => pageRows(repos.scans.listPage({ verdict: "CLEAN", severity: "critical", limit: 50 })),
    },
    {
      id: "list-severity",
      route: "GET /scans?severity=critical",
      calls,
      run: () => pageRows(repos.scans.listPage({ severity: "critical", limit: 50 })),
    },
    {
      id: "list-target",
      route: "GET /scans?target=… (one scan's target)",
      calls,
      run: () => pageRows(repos.scans.listPage({ target: targetOfMiddle, limit: 50 })),
    },
    {
      id: "list-window",
      route: "GET /scans?from=…&to=… (an hour at N/2)",
      calls,
      run: () =>
        pageRows(repos.scans.listPage({ from: windowAt(middle), to: scaleInstant(middle), limit: 50 })),
    },
    {
      id: "cursor-middle",
      route: "GET /scans?cursor=… (keyset page at N/2)",
      calls,
      run: () => pageRows(repos.scans.listPage({ limit: 50, after: cursorAt })),
    },
    {
      id: "offset-middle",
      route: "GET /scans?offset=N/2 (offset page)",
      calls: Math.max(3, Math.floor(calls / 50)),
      linear: true,
      run: () => pageRows(repos.scans.listPage({ limit: 50, offset: middle })),
    },
    {
      id: "audit",
      route: "GET /audit (newest 50, capped total)",
      calls,
      run: async () => (await repos.auditLog.queryPage({ limit: 50 })).entries.length,
    },
    {
      id: "audit-type",
      route: "GET /audit?event_type=key_revoked (1%)",
      calls,
      run: async () =>
        (await repos.auditLog.queryPage({ event_type: "key_revoked", limit: 50 })).entries.length,
    },
    {
      id: "usage-summary",
      route: "GET /usage (the last hour, grouped)",
      calls: Math.max(10, Math.floor(calls / 10)),
      run: async () =>
        (await repos.apiUsage.summary({ since: windowFrom, until: scaleInstant(size + 1) })).total_requests,
    },
    {
      id: "usage-recent",
      route: "api_usage newest 50 for one key",
      calls,
      run: () => rows(repos.apiUsage.listRecent({ api_key: "key-7", limit: 50 })),
    },
  ];
}
