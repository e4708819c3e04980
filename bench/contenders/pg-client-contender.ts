/**
 * What the raw postgres.js contender and the Bun SQL peer have in common: the workloads, written
 * once, so that the two send the same statements in the same order and differ only in the client
 * that sends them. A subclass opens and warms its pool and says how its client runs a prepared
 * statement, a script, a transaction and COPY FROM STDIN.
 *
 * The adapter methods return the client's own query objects, unwrapped: a statement costs one
 * plain method call more than calling the client directly, and no extra promise, closure or
 * allocation, so the contenders stay as fast as the clients they stand for.
 */
import { type Contender, inWorkers } from "../contender.ts";
import type { BulkInput, ScanWithFindings, UsageRow } from "../fixtures.ts";
import {
  copyChunks,
  dbInstant,
  FINDING_COLUMNS,
  findingsJson,
  insertText,
  JSON_ROWS_PER_STATEMENT,
  JSON_STATEMENTS_IN_FLIGHT,
  jsonInsertText,
  MULTI_ROW_PARAMS,
  pushFindingValues,
  readStatements,
  SCAN_COLUMNS,
  scanValues,
  UNNEST_CHUNK,
  UNNEST_TEXT,
  unnestColumns,
  usageValues,
} from "./statements.ts";

type Value = string | number | null;
/** A statement's parameters: scalars, or one array per column for the unnest form. */
export type Params = (Value | Value[])[];
export type Row = Record<string, unknown>;

/**
 * A client's query: both clients send it only once it is awaited or execute()d, which is how
 * the json variant keeps two statements in flight on one transaction.
 */
export interface LazyQuery extends Promise<Row[]> {
  execute(): Promise<unknown>;
}

const COPY_TEXT = `COPY findings (${FINDING_COLUMNS.join(", ")}) FROM STDIN`;
const COUNTS_TEXT =
  "SELECT (SELECT COUNT(*) FROM scans) AS scans, (SELECT COUNT(*) FROM findings) AS findings, (SELECT COUNT(*) FROM api_usage) AS api_usage";

/**
 * `P` is the client's pool; `H` the handle statements run on, the pool's and a transaction's
 * alike.
 */
export abstract class PgClientContender<P extends H, H = P> implements Contender {
  abstract readonly label: string;
  protected readonly pool: P;
  readonly #read = readStatements("postgres");

  protected constructor(pool: P) {
    this.pool = pool;
  }

  /** `text` as a named prepared statement on `on` (the pool or a transaction), not yet sent. */
  protected abstract query(on: H, text: string, values: Params): LazyQuery;
  /** `text` unprepared on the pool, for the untimed housekeeping statements. */
  protected abstract script(text: string): Promise<Row[]>;
  /** `body` in one transaction on one of the pool's connections. */
  protected abstract transaction(body: (tx: H) => Promise<void>): Promise<unknown>;
  /** Runs the COPY FROM STDIN statement `text` on `tx`, sending `chunks` as its data. */
  protected abstract copyIn(tx: H, text: string, chunks: Iterable<string>): Promise<void>;
  abstract close(): Promise<void>;

  async reset(): Promise<void> {
    await this.script("TRUNCATE findings, url_analysis, scans, api_usage");
  }

  async analyze(): Promise<void> {
    await this.script("ANALYZE");
  }

  async recordScans(items: readonly ScanWithFindings[]): Promise<void> {
    const insertScan = insertText("postgres", "scans", SCAN_COLUMNS, 1);
    const findingTexts = new Map<number, string>();
    for (const item of items) {
      const now = dbInstant(new Date());
      const scan = scanValues(item, now);
      const findings: Value[] = [];
      for (const f of item.findings) pushFindingValues(findings, item.id, f, now);
      let insertFindings = findingTexts.get(item.findings.length);
      if (insertFindings === undefined) {
        insertFindings = insertText("postgres", "findings", FINDING_COLUMNS, item.findings.length);
        findingTexts.set(item.findings.length, insertFindings);
      }
      const text = insertFindings;
      await this.transaction(async (tx) => {
        await this.query(tx, insertScan, scan);
        if (findings.length > 0) await this.query(tx, text, findings);
      });
    }
  }

  readonly getVariants = {
    "scan + findings": async (ids: readonly string[]): Promise<number> => {
      let n = 0;
      for (const id of ids) {
        const [scan] = await this.query(this.pool, this.#read.scanById, [id]);
        if (scan === undefined) continue;
        n += (await this.query(this.pool, this.#read.findingsOfScan, [id])).length;
      }
      return n;
    },
    // What ours returns (the scan, its findings and its URL analyses), the raw way: three queries.
    "scan + findings + url_analysis": async (ids: readonly string[]): Promise<number> => {
      let n = 0;
      for (const id of ids) {
        const [scan] = await this.query(this.pool, this.#read.scanById, [id]);
        if (scan === undefined) continue;
        n += (await this.query(this.pool, this.#read.findingsOfScan, [id])).length;
        await this.query(this.pool, this.#read.urlAnalysesOfScan, [id]);
      }
      return n;
    },
    // The statement ours sends, with the JSON decoded as ours must: the same work, raw.
    "one query, json_agg (ours' SQL)": async (ids: readonly string[]): Promise<number> => {
      let n = 0;
      for (const id of ids) {
        const [row] = await this.query(this.pool, this.#read.scanWithDetailsAggregated, [id]);
        if (row === undefined) continue;
        n += (JSON.parse(row.malwar_findings_json as string) as unknown[]).length;
        JSON.parse(row.malwar_url_analysis_json as string);
      }
      return n;
    },
  };

  async listRecent(times: number, limit: number): Promise<number> {
    let n = 0;
    for (let k = 0; k < times; k++)
      n += (await this.query(this.pool, this.#read.listRecent, [limit, 0])).length;
    return n;
  }

  readonly bulkVariants = {
    // Multi-row INSERTs of 1,000 rows (16,000 parameters), awaited in turn inside one transaction.
    "multi-row 1,000, one tx": async ({ scanId, rows }: BulkInput): Promise<void> => {
      const size = Math.floor(MULTI_ROW_PARAMS / FINDING_COLUMNS.length);
      const now = dbInstant(new Date());
      const texts = new Map<number, string>();
      await this.transaction(async (tx) => {
        for (let start = 0; start < rows.length; start += size) {
          const end = Math.min(rows.length, start + size);
          const values: Value[] = [];
          for (let r = start; r < end; r++) pushFindingValues(values, scanId, rows[r]!, now);
          let text = texts.get(end - start);
          if (text === undefined) {
            text = insertText("postgres", "findings", FINDING_COLUMNS, end - start);
            texts.set(end - start, text);
          }
          await this.query(tx, text, values);
        }
      });
    },
    // One array parameter per column, unnest()ed server-side: 16 parameters whatever the row count.
    "unnest 5,000-row chunks, one tx": async ({ scanId, rows }: BulkInput): Promise<void> => {
      const now = dbInstant(new Date());
      await this.transaction(async (tx) => {
        for (let start = 0; start < rows.length; start += UNNEST_CHUNK) {
          const end = Math.min(rows.length, start + UNNEST_CHUNK);
          await this.query(tx, UNNEST_TEXT, unnestColumns(scanId, rows, start, end, now));
        }
      });
    },
    // The SQL our repository sends: each chunk's rows as one json text parameter, unpacked by
    // json_populate_recordset, with the same chunk size and statements in flight. A query is
    // sent only once awaited or execute()d, so each is started with execute().
    "json_populate_recordset 1,000, one tx": async ({ scanId, rows }: BulkInput): Promise<void> => {
      const now = dbInstant(new Date());
      const text = jsonInsertText("findings", FINDING_COLUMNS);
      await this.transaction(async (tx) => {
        const inFlight: Promise<unknown>[] = [];
        for (let start = 0; start < rows.length; start += JSON_ROWS_PER_STATEMENT) {
          const end = Math.min(rows.length, start + JSON_ROWS_PER_STATEMENT);
          inFlight.push(this.query(tx, text, [findingsJson(scanId, rows, start, end, now)]).execute());
          if (inFlight.length >= JSON_STATEMENTS_IN_FLIGHT) await inFlight.shift();
        }
        await Promise.all(inFlight);
      });
    },
    // Not a like-for-like form (no parameters at all), but the ceiling a bulk path could reach.
    "COPY FROM STDIN, one tx": async ({ scanId, rows }: BulkInput): Promise<void> => {
      const now = dbInstant(new Date());
      await this.transaction((tx) => this.copyIn(tx, COPY_TEXT, copyChunks(scanId, rows, now)));
    },
  };

  async clearBulk(): Promise<void> {
    await this.script("DELETE FROM findings WHERE id LIKE 'bulk-%'");
  }

  async appendUsage(rows: readonly UsageRow[]): Promise<void> {
    for (const u of rows) await this.query(this.pool, this.#read.appendUsage, usageValues(u));
  }

  appendUsageConcurrent(rows: readonly UsageRow[], workers: number): Promise<void> {
    return inWorkers(rows, workers, (u) => this.query(this.pool, this.#read.appendUsage, usageValues(u)));
  }

  async counts(): Promise<{ scans: number; findings: number; api_usage: number }> {
    const [row] = await this.script(COUNTS_TEXT);
    return { scans: Number(row?.scans), findings: Number(row?.findings), api_usage: Number(row?.api_usage) };
  }
}
