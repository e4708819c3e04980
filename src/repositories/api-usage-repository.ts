import type { DatabaseBackend, Row } from "../backends/index.ts";
import { type SqlQuery, sql } from "../sql/index.ts";
import { byteOrder } from "./backend-fragments.ts";
import { type InstantInput, instantIn, int32OrNull, nonEmptyText, text, textOrNullIn } from "./domain.ts";
import { type PageOptions, page } from "./paging.ts";
import { agedRows, type PruneOptions } from "./prune-batches.ts";
import { countOf } from "./query-parts.ts";
import { type Instant, rowConverter } from "./row-convert.ts";

export interface ApiUsage {
  id: number;
  api_key: string | null;
  endpoint: string;
  method: string;
  status_code: number | null;
  timestamp: Instant;
}

const usageOut = rowConverter<ApiUsage>({
  id: "number",
  api_key: "nullable",
  endpoint: "value",
  method: "value",
  status_code: "number",
  timestamp: "instant",
});

export interface NewApiUsage {
  /** The key's id (never the raw key); null for open access. */
  api_key?: string | null;
  endpoint: string;
  method: string;
  status_code?: number | null;
  /** Defaults to the database's clock. */
  timestamp?: InstantInput;
}

export interface ApiUsageFilter {
  api_key?: string;
  endpoint?: string;
}

export interface UsageSummaryOptions extends ApiUsageFilter {
  /** Inclusive lower bound of the window. */
  since: InstantInput;
  /** Exclusive upper bound of the window. */
  until: InstantInput;
  /** Groups to return, largest first; clamped to 1..MAX_PAGE_SIZE. */
  limit?: number;
}

/** Requests in one window for one key, endpoint, method and status. */
export interface UsageGroup {
  api_key: string | null;
  /** The key's name, when the key still exists. */
  key_name: string | null;
  endpoint: string;
  method: string;
  status_code: number | null;
  requests: number;
}

const usageGroupOut = rowConverter<UsageGroup>({
  api_key: "nullable",
  key_name: "nullable",
  endpoint: "value",
  method: "value",
  status_code: "number",
  requests: "number",
});

export interface UsageSummary {
  /** Every request in the window (all groups, not only those returned). */
  total_requests: number;
  groups: UsageGroup[];
}

const USAGE_COLUMNS = ["api_key", "endpoint", "method", "status_code", "timestamp"] as const;

const usageAged = agedRows("api_usage", "id");

export class ApiUsageRepository {
  constructor(private readonly db: DatabaseBackend) {}

  /** One row per request: a single insert, no read-back (this runs on every request). */
  async record(usage: NewApiUsage): Promise<void> {
    const apiKey = textOrNullIn("api_key", usage.api_key, 255);
    const endpoint = nonEmptyText("endpoint", usage.endpoint, 512);
    const method = nonEmptyText("method", usage.method, 16);
    const status = int32OrNull("status_code", usage.status_code);
    if (usage.timestamp === undefined) {
      await this.db.execute(
        sql`INSERT INTO api_usage (api_key, endpoint, method, status_code) VALUES (${apiKey}, ${endpoint}, ${method}, ${status})`,
      );
    } else {
      const at = instantIn("timestamp", usage.timestamp);
      await this.db.execute(
        sql`INSERT INTO api_usage (api_key, endpoint, method, status_code, timestamp) VALUES (${apiKey}, ${endpoint}, ${method}, ${status}, ${at})`,
      );
    }
  }

  /**
   * Many requests in one write (the service's batches), all stored or none. Each entry carries
   * its own timestamp: the requests were answered before the batch is written.  The backend's
   * bulk path keeps one statement text per table where it can (see insertRows).
   */
  async recordMany(entries: readonly (NewApiUsage & { timestamp: InstantInput })[]): Promise<void> {
    const records: Row[] = new Array(entries.length);
    for (let i = 0; i < entries.length; i++) {
      const usage = entries[i] as NewApiUsage & { timestamp: InstantInput };
      records[i] = {
        api_key: textOrNullIn("api_key", usage.api_key, 255),
        endpoint: nonEmptyText("endpoint", usage.endpoint, 512),
        method: nonEmptyText("method", usage.method, 16),
        status_code: int32OrNull("status_code", usage.status_code),
        timestamp: instantIn("timestamp", usage.timestamp),
      };
    }
    await this.db.insertRows("api_usage", USAGE_COLUMNS, records);
  }

  /** Requests at or after `since` (optionally for one key or endpoint). */
  async countSince(since: InstantInput, filter: ApiUsageFilter = {}): Promise<number> {
    return countOf(
      this.db,
      sql`SELECT COUNT(*) AS n FROM api_usage WHERE timestamp >= ${instantIn("since", since)}${this.filter(filter)}`,
    );
  }

  /**
   * Request counts per key, endpoint, method and status over a window, grouped and counted by
   * the database (the rows never travel), largest groups first. NULL keys (open access) sort as
   * the empty string, so both backends list groups in one order.
   */
  async summary(options: UsageSummaryOptions): Promise<UsageSummary> {
    const { limit } = page({ limit: options.limit ?? 100 });
    const where = sql`u.timestamp >= ${instantIn("since", options.since)} AND u.timestamp < ${instantIn("until", options.until)}${this.filter(options, "u.")}`;
    const [rows, total] = await Promise.all([
      this.db.fetchAll(
        sql`SELECT u.api_key AS api_key, MAX(k.name) AS key_name, u.endpoint AS endpoint, u.method AS method, u.status_code AS status_code, COUNT(*) AS requests FROM api_usage u LEFT JOIN api_keys k ON k.id = u.api_key WHERE ${where} GROUP BY u.api_key, u.endpoint, u.method, u.status_code ORDER BY requests DESC, COALESCE(u.api_key, '') ${byteOrder(this.db)}, u.endpoint ${byteOrder(this.db)}, u.method, COALESCE(u.status_code, 0) LIMIT ${limit}`,
      ),
      countOf(this.db, sql`SELECT COUNT(*) AS n FROM api_usage u WHERE ${where}`),
    ]);
    return { total_requests: total, groups: usageGroupOut.rows(rows) };
  }

  /** Newest first; bounded page. */
  async listRecent(options: PageOptions & ApiUsageFilter = {}): Promise<ApiUsage[]> {
    const { limit, offset } = page(options);
    const rows = await this.db.fetchAll(
      sql`SELECT * FROM api_usage WHERE 1 = 1${this.filter(options)} ORDER BY timestamp DESC, id DESC LIMIT ${limit} OFFSET ${offset}`,
    );
    return usageOut.rows(rows);
  }

  /** Rows older than `cutoff` (what a prune would delete). */
  async countOlderThan(cutoff: InstantInput): Promise<number> {
    return usageAged.count(this.db, cutoff);
  }

  /** Deletes rows older than `cutoff`, oldest first, in committed batches (see AuditLogRepository.pruneOlderThan). */
  pruneOlderThan(cutoff: InstantInput, options: PruneOptions = {}): Promise<number> {
    return usageAged.prune(this.db, cutoff, options);
  }

  private filter(filter: ApiUsageFilter, prefix = ""): SqlQuery {
    const parts: SqlQuery[] = [];
    const column = (name: string) => sql.unsafe(`${prefix}${name}`);
    if (filter.api_key !== undefined)
      parts.push(sql` AND ${column("api_key")} = ${text("api_key", filter.api_key)}`);
    if (filter.endpoint !== undefined)
      parts.push(sql` AND ${column("endpoint")} = ${text("endpoint", filter.endpoint)}`);
    return sql.join(parts, "");
  }
}
