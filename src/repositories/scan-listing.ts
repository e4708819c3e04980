import type { DatabaseBackend } from "../backends/index.ts";
import { type SqlQuery, sql } from "../sql/index.ts";
import { byteOrder as byteOrderOf } from "./backend-fragments.ts";
import {
  type InstantInput,
  instantIn,
  oneOf,
  SCAN_STATUSES,
  type ScanStatus,
  SEVERITIES,
  type Severity,
  text,
  VERDICTS,
  type Verdict,
} from "./domain.ts";
import { type CappedTotal, cappedCount, type PageOptions, page } from "./paging.ts";
import { whereAll } from "./query-parts.ts";
import type { Instant } from "./row-convert.ts";
import { type Scan, scanOut } from "./scan-row.ts";

export interface ScanFilter {
  verdict?: Verdict;
  status?: ScanStatus;
  /** Exactly this target. */
  target?: string;
  /** The scan's own severity (overall_severity: the most severe of its findings). */
  severity?: Severity;
  /** created_at at or after this instant. */
  from?: InstantInput;
  /** created_at before this instant. */
  to?: InstantInput;
}

/**
 * Where a page ended: the last scan's sort key (newest first: created_at, then id by bytes).
 * created_at travels at millisecond precision, which is what the repositories write; a row
 * stamped with microseconds by another writer (PostgreSQL's NOW()) can be skipped at a page
 * boundary that falls inside its millisecond.
 */
export interface ScanCursor {
  created_at: Instant;
  id: string;
}

export interface ScanPageOptions extends ScanFilter, PageOptions {
  /** Continue after this scan (keyset): costs the same however deep the page. */
  after?: ScanCursor;
}

export interface ScanPage extends CappedTotal {
  scans: Scan[];
  /** Where the next page starts; null on the last page. */
  next: ScanCursor | null;
}

export function scanFilterSql(filter: ScanFilter): SqlQuery[] {
  const where: SqlQuery[] = [];
  if (filter.verdict !== undefined) where.push(sql`verdict = ${oneOf("verdict", filter.verdict, VERDICTS)}`);
  if (filter.status !== undefined) where.push(sql`status = ${oneOf("status", filter.status, SCAN_STATUSES)}`);
  if (filter.target !== undefined) where.push(sql`target = ${text("target", filter.target)}`);
  if (filter.severity !== undefined)
    where.push(sql`overall_severity = ${oneOf("severity", filter.severity, SEVERITIES)}`);
  if (filter.from !== undefined) where.push(sql`created_at >= ${instantIn("from", filter.from)}`);
  if (filter.to !== undefined) where.push(sql`created_at < ${instantIn("to", filter.to)}`);
  return where;
}

/**
 * One page of scans, newest first, with a capped total. The keyset condition is written as
 * `created_at <= c AND (created_at < c OR id < i)` rather than a plain OR: its first half is a
 * range the created_at index can seek to, so page 10,000 starts where it starts instead of
 * reading past every newer row.
 */
export async function listScanPage(db: DatabaseBackend, options: ScanPageOptions): Promise<ScanPage> {
  const { limit, offset } = page(options);
  const byteOrder = byteOrderOf(db);
  const filter = scanFilterSql(options);
  const keyset = [...filter];
  if (options.after !== undefined) {
    const at = instantIn("cursor", options.after.created_at);
    const id = text("cursor", options.after.id);
    keyset.push(sql`created_at <= ${at}`, sql`(created_at < ${at} OR id ${byteOrder} < ${id})`);
  }
  const [rows, total] = await Promise.all([
    db.fetchAll(
      sql`SELECT * FROM scans${whereAll(keyset)} ORDER BY created_at DESC, id ${byteOrder} DESC LIMIT ${limit + 1} OFFSET ${offset}`,
    ),
    cappedCount(db, sql`FROM scans${whereAll(filter)}`),
  ]);
  const more = rows.length > limit;
  const scans = scanOut.rows(more ? rows.slice(0, limit) : rows);
  const last = scans[scans.length - 1];
  return {
    scans,
    next: more && last !== undefined ? { created_at: last.created_at, id: last.id } : null,
    ...total,
  };
}
