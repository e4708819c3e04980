import type { DatabaseBackend, Row } from "../backends/index.ts";
import { ValidationError } from "../errors/index.ts";
import { type SqlParam, type SqlQuery, sql } from "../sql/index.ts";
import { byteOrder } from "./backend-fragments.ts";
import { COLUMN_LIMITS } from "./column-limits.ts";
import { type InstantInput, instantIn, jsonObjectIn, nonEmptyText, text } from "./domain.ts";
import { type CappedTotal, cappedCount, type PageOptions, page } from "./paging.ts";
import { agedRows, type PruneOptions } from "./prune-batches.ts";
import { countOf, whereAll } from "./query-parts.ts";
import { type Instant, rowConverter } from "./row-convert.ts";
import { guardWrite, newId } from "./write-errors.ts";

export interface AuditEntry {
  event_id: string;
  timestamp: Instant;
  event_type: string;
  actor: string;
  resource_type: string;
  resource_id: string;
  action: string;
  details: Record<string, unknown>;
  ip_address: string;
}

export interface NewAuditEntry {
  event_id?: string;
  /** Defaults to the time of the write. */
  timestamp?: InstantInput;
  event_type: string;
  actor?: string;
  resource_type?: string;
  resource_id?: string;
  action?: string;
  details?: Record<string, unknown>;
  ip_address?: string;
}

export interface AuditQuery extends PageOptions {
  /** Inclusive lower bound. */
  since?: InstantInput;
  /** Exclusive upper bound. */
  until?: InstantInput;
  event_type?: string;
  actor?: string;
  resource_type?: string;
  resource_id?: string;
}

/** Where a keyset page continues: strictly after this entry in newest-first order. */
export interface AuditCursor {
  timestamp: string;
  event_id: string;
}

export interface AuditPage extends CappedTotal {
  entries: AuditEntry[];
  /** The last entry's position when the page is full (there may be more), else null. */
  next: AuditCursor | null;
}

const auditOut = rowConverter<AuditEntry>({
  event_id: "value",
  timestamp: "instant",
  event_type: "value",
  actor: "value",
  resource_type: "value",
  resource_id: "value",
  action: "value",
  details: "object",
  ip_address: "value",
});

export const AUDIT_COLUMNS = auditOut.columns;

const auditAged = agedRows("audit_log", "event_id");

/**
 * An entry checked and made into the row it is stored as (keyed by column), for `append` and for
 * writes that store their audit entry together with the change (ScanRepository.saveScan).
 */
export function auditRecord(entry: NewAuditEntry): Row {
  if (entry === null || typeof entry !== "object")
    throw new ValidationError("entry", "an audit entry must be an object");
  return {
    event_id:
      entry.event_id === undefined ? newId() : nonEmptyText("event_id", entry.event_id, COLUMN_LIMITS.id),
    timestamp: instantIn("timestamp", entry.timestamp ?? new Date()),
    event_type: nonEmptyText("event_type", entry.event_type, COLUMN_LIMITS.audit_log.event_type),
    actor: entry.actor === undefined ? "cli" : text("actor", entry.actor, COLUMN_LIMITS.audit_log.actor),
    resource_type:
      entry.resource_type === undefined
        ? ""
        : text("resource_type", entry.resource_type, COLUMN_LIMITS.audit_log.resource_type),
    resource_id:
      entry.resource_id === undefined
        ? ""
        : text("resource_id", entry.resource_id, COLUMN_LIMITS.audit_log.resource_id),
    action: entry.action === undefined ? "" : text("action", entry.action, COLUMN_LIMITS.audit_log.action),
    details: jsonObjectIn("details", entry.details),
    ip_address:
      entry.ip_address === undefined
        ? ""
        : text("ip_address", entry.ip_address, COLUMN_LIMITS.audit_log.ip_address),
  };
}

export class AuditLogRepository {
  constructor(private readonly db: DatabaseBackend) {}

  /** Appends one entry and returns it as stored (no read-back). */
  async append(entry: NewAuditEntry): Promise<AuditEntry> {
    const record = auditRecord(entry);
    const values = AUDIT_COLUMNS.map((c) => record[c] as SqlParam);
    await guardWrite(
      () =>
        this.db.execute(
          sql`INSERT INTO audit_log (event_id, timestamp, event_type, actor, resource_type, resource_id, action, details, ip_address) VALUES (${sql.list(values)})`,
        ),
      `An audit entry with event_id ${String(record.event_id)} already exists`,
    );
    return auditOut(record);
  }

  /** Newest first (by timestamp, then event_id); every filter optional; bounded page. */
  async query(filter: AuditQuery = {}): Promise<AuditEntry[]> {
    const { limit, offset } = page(filter);
    const rows = await this.db.fetchAll(
      sql`SELECT * FROM audit_log${this.where(filter)} ORDER BY timestamp DESC, event_id ${byteOrder(this.db)} DESC LIMIT ${limit} OFFSET ${offset}`,
    );
    return auditOut.rows(rows);
  }

  /**
   * A page for GET /audit: newest first, continuing after `after` (keyset: the same cost on page
   * 1 and page 10,000, where OFFSET reads every skipped row), with a total counted only up to
   * TOTAL_COUNT_CAP (an exact COUNT(*) reads every matching row on every call).
   */
  async queryPage(filter: AuditQuery & { after?: AuditCursor } = {}): Promise<AuditPage> {
    const { limit, offset } = page(filter);
    const conditions = this.conditions(filter);
    const byte = byteOrder(this.db);
    const paged = [...conditions];
    if (filter.after !== undefined) {
      const at = instantIn("cursor", filter.after.timestamp);
      const id = nonEmptyText("cursor", filter.after.event_id, COLUMN_LIMITS.id);
      paged.push(sql`(timestamp < ${at} OR (timestamp = ${at} AND event_id ${byte} < ${id}))`);
    }
    const [rows, total] = await Promise.all([
      this.db.fetchAll(
        sql`SELECT * FROM audit_log${whereAll(paged)} ORDER BY timestamp DESC, event_id ${byteOrder(this.db)} DESC LIMIT ${limit} OFFSET ${offset}`,
      ),
      cappedCount(this.db, sql`FROM audit_log${whereAll(conditions)}`),
    ]);
    const entries = auditOut.rows(rows);
    const last = entries[entries.length - 1];
    return {
      entries,
      ...total,
      next: entries.length === limit && last ? { timestamp: last.timestamp, event_id: last.event_id } : null,
    };
  }

  /** Entries older than `cutoff` (what a prune would delete). */
  async countOlderThan(cutoff: InstantInput): Promise<number> {
    return auditAged.count(this.db, cutoff);
  }

  /**
   * Deletes entries older than `cutoff`, oldest first, in statements of at most `batchSize`
   * rows, each committed on its own: no lock is held longer than one batch, and other callers'
   * statements run between batches. Returns how many were deleted.
   */
  pruneOlderThan(cutoff: InstantInput, options: PruneOptions = {}): Promise<number> {
    return auditAged.prune(this.db, cutoff, options);
  }

  async count(filter: Omit<AuditQuery, "limit" | "offset"> = {}): Promise<number> {
    return countOf(this.db, sql`SELECT COUNT(*) AS n FROM audit_log${this.where(filter)}`);
  }

  private where(filter: Omit<AuditQuery, "limit" | "offset">): SqlQuery {
    return whereAll(this.conditions(filter));
  }

  private conditions(filter: Omit<AuditQuery, "limit" | "offset">): SqlQuery[] {
    const parts: SqlQuery[] = [];
    if (filter.since !== undefined) parts.push(sql`timestamp >= ${instantIn("since", filter.since)}`);
    if (filter.until !== undefined) parts.push(sql`timestamp < ${instantIn("until", filter.until)}`);
    if (filter.event_type !== undefined)
      parts.push(sql`event_type = ${text("event_type", filter.event_type)}`);
    if (filter.actor !== undefined) parts.push(sql`actor = ${text("actor", filter.actor)}`);
    if (filter.resource_type !== undefined) {
      parts.push(sql`resource_type = ${text("resource_type", filter.resource_type)}`);
    }
    if (filter.resource_id !== undefined)
      parts.push(sql`resource_id = ${text("resource_id", filter.resource_id)}`);
    return parts;
  }
}
