/**
 * What the PostgreSQL ORM peers share: their own postgres.js pool (the size of ours, UTC
 * sessions, every connection opened up front as raw's is), the untimed housekeeping on it, and
 * no W4/W5 (peers do W1–W3). A subclass puts its library on top of the pool.
 */
import postgres from "postgres";
import type { Contender } from "../../contender.ts";
import type { ScanWithFindings } from "../../fixtures.ts";

export async function openPeerPool(url: string, poolSize: number): Promise<postgres.Sql> {
  const sql = postgres(url, { max: poolSize, onnotice: () => {}, connection: { TimeZone: "UTC" } });
  await Promise.all(Array.from({ length: poolSize }, () => sql`select 1`));
  return sql;
}

export abstract class PostgresPeer implements Contender {
  abstract readonly label: string;
  abstract readonly title: string;
  protected readonly pool: postgres.Sql;
  readonly bulkVariants = {};

  protected constructor(pool: postgres.Sql) {
    this.pool = pool;
  }

  abstract recordScans(items: readonly ScanWithFindings[]): Promise<void>;
  abstract readonly getVariants: Readonly<Record<string, (ids: readonly string[]) => Promise<number>>>;
  abstract listRecent(times: number, limit: number): Promise<number>;

  async reset(): Promise<void> {
    await this.pool.unsafe("TRUNCATE findings, url_analysis, scans, api_usage");
  }

  async analyze(): Promise<void> {
    await this.pool.unsafe("ANALYZE");
  }

  async clearBulk(): Promise<void> {}

  async counts(): Promise<{ scans: number; findings: number; api_usage: number }> {
    const [row] = await this.pool.unsafe(
      "SELECT (SELECT COUNT(*) FROM scans) AS scans, (SELECT COUNT(*) FROM findings) AS findings, (SELECT COUNT(*) FROM api_usage) AS api_usage",
    );
    return { scans: Number(row?.scans), findings: Number(row?.findings), api_usage: Number(row?.api_usage) };
  }

  async close(): Promise<void> {
    await this.pool.end({ timeout: 5 });
  }
}
