/**
 * The reads the scale tier times: each read route's repository call, as the service makes it,
 * against a database holding `size` generated scans (scale-data.ts). Every read returns a count
 * of what it read, so the work cannot be skipped and an empty answer (a broken filter) shows.
 */
import type { DatabaseBackend } from "../../src/backends/database-backend.ts";
import { createRepositories } from "../../src/repositories/index.ts";
import { sql } from "../../src/sql/index.ts";
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
  const cursorAt = {
    created_at: scaleInstant(middle).replace("T", " ").replace(".000Z", ""),
    id: scaleScanId(middle),
  };
  const windowFrom = scaleInstant(size - WINDOW_SECONDS);
  // Ids in byte order, as the repositories order them (and as 006 indexes them).
  const byteOrder = sql.unsafe(db.backendName === "postgres" ? 'COLLATE "C"' : "COLLATE BINARY");
  const rows = async (p: Promise<readonly unknown[]>) => (await p).length;
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
      route: "GET /scans (newest 50)",
      calls,
      run: () => rows(repos.scans.listRecent({ limit: 50 })),
    },
    {
      id: "list-verdict",
      route: "GET /scans?verdict=MALICIOUS",
      calls,
      run: () => rows(repos.scans.listRecent({ verdict: "MALICIOUS", limit: 50 })),
    },
    {
      id: "list-status",
      route: "GET /scans?status=failed (2% of rows)",
      calls,
      run: () => rows(repos.scans.listRecent({ status: "failed", limit: 50 })),
    },
    {
      id: "list-verdict-status",
      route: "GET /scans?verdict=CLEAN&status=failed",
      calls,
      run: () => rows(repos.scans.listRecent({ verdict: "CLEAN", status: "failed", limit: 50 })),
    },
    {
      id: "keyset-middle",
      route: "GET /scans?cursor=… (keyset page at N/2)",
      calls,
      run: () =>
        rows(
          db.fetchAll(
            sql`SELECT * FROM scans WHERE created_at <= ${cursorAt.created_at} AND (created_at < ${cursorAt.created_at} OR id ${byteOrder} < ${cursorAt.id}) ORDER BY created_at DESC, id ${byteOrder} DESC LIMIT ${51}`,
          ),
        ),
    },
    {
      id: "offset-middle",
      route: "GET /scans?offset=N/2 (offset page)",
      calls: Math.max(3, Math.floor(calls / 50)),
      linear: true,
      run: () => rows(repos.scans.listRecent({ limit: 50, offset: middle })),
    },
    {
      id: "audit",
      route: "GET /audit (newest 50)",
      calls,
      run: () => rows(repos.auditLog.query({ limit: 50 })),
    },
    {
      id: "audit-type",
      route: "GET /audit?event_type=key_revoked (1%)",
      calls,
      run: () => rows(repos.auditLog.query({ event_type: "key_revoked", limit: 50 })),
    },
    {
      id: "usage-recent",
      route: "api_usage newest 50 for one key",
      calls,
      run: () => rows(repos.apiUsage.listRecent({ api_key: "key-7", limit: 50 })),
    },
    {
      id: "usage-window",
      route: "api_usage requests in the last hour (count)",
      calls,
      run: () => repos.apiUsage.countSince(windowFrom),
    },
  ];
}
