/**
 * The raw postgres.js contender: the statements the repositories send, as named prepared
 * statements (`sql.unsafe(text, values, { prepare: true })`, what tagged templates do too), on a
 * pool of the same size as ours, warmed the same way.
 */
import postgres from "postgres";
import { type Contender, inWorkers } from "../contender.ts";
import type { BulkInput, ScanWithFindings, UsageRow } from "../fixtures.ts";
import {
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
  usageValues,
} from "./statements.ts";

type Value = string | number | null;
type Sql = postgres.Sql;

const PREPARED = { prepare: true } as const;

// Arrays for unnest, one per column, with the casts the column types need.
const UNNEST_TYPES = [
  "text",
  "text",
  "text",
  "text",
  "text",
  "text",
  "float8",
  "text",
  "text",
  "int4",
  "int4",
  "text",
  "text",
  "text",
  "text",
  "timestamp",
] as const;

const UNNEST_TEXT = `INSERT INTO findings (${FINDING_COLUMNS.join(", ")}) SELECT * FROM unnest(${UNNEST_TYPES.map(
  (t, k) => `$${k + 1}::${t}[]`,
).join(", ")})`;

/*
 * Rows per unnest statement. Measured here on 100,000 findings: chunks of 5,000 and 20,000 did
 * about the same, one 100,000-row statement ~25% worse.
 */
const UNNEST_CHUNK = 5_000;

/** COPY text format: backslash, tab, newline and carriage return are escaped, null is \N. */
function copyField(v: Value): string {
  if (v === null) return "\\N";
  const s = String(v);
  return /[\\\t\n\r]/.test(s)
    ? s.replace(/\\/g, "\\\\").replace(/\t/g, "\\t").replace(/\n/g, "\\n").replace(/\r/g, "\\r")
    : s;
}

export class RawPostgres implements Contender {
  readonly label = "raw";
  readonly #sql: Sql;
  readonly #read = readStatements("postgres");

  private constructor(sql: Sql) {
    this.#sql = sql;
  }

  static async open(url: string, poolSize: number): Promise<RawPostgres> {
    const sql = postgres(url, {
      max: poolSize,
      onnotice: () => {},
      connection: { TimeZone: "UTC" },
    });
    // postgres.js opens connections on demand: open all of them now, as the project's pool does.
    await Promise.all(Array.from({ length: poolSize }, () => sql`select 1`));
    return new RawPostgres(sql);
  }

  async reset(): Promise<void> {
    await this.#sql.unsafe("TRUNCATE findings, url_analysis, scans, api_usage");
  }

  async analyze(): Promise<void> {
    await this.#sql.unsafe("ANALYZE");
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
      await this.#sql.begin(async (tx) => {
        await tx.unsafe(insertScan, scan, PREPARED);
        if (findings.length > 0) await tx.unsafe(text, findings, PREPARED);
      });
    }
  }

  readonly getVariants = {
    "scan + findings": async (ids: readonly string[]): Promise<number> => {
      let n = 0;
      for (const id of ids) {
        const [scan] = await this.#sql.unsafe(this.#read.scanById, [id], PREPARED);
        if (scan === undefined) continue;
        n += (await this.#sql.unsafe(this.#read.findingsOfScan, [id], PREPARED)).length;
      }
      return n;
    },
    // The statement ours sends, with the JSON decoded as ours must: the same work, raw.
    "one query, json_agg (ours' SQL)": async (ids: readonly string[]): Promise<number> => {
      let n = 0;
      for (const id of ids) {
        const [row] = await this.#sql.unsafe(this.#read.scanWithDetailsAggregated, [id], PREPARED);
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
      n += (await this.#sql.unsafe(this.#read.listRecent, [limit, 0], PREPARED)).length;
    return n;
  }

  readonly bulkVariants = {
    // Multi-row INSERTs of 1,000 rows (16,000 parameters), awaited in turn inside one transaction.
    "multi-row 1,000, one tx": ({ scanId, rows }: BulkInput) =>
      this.#multiRow(scanId, rows, Math.floor(MULTI_ROW_PARAMS / FINDING_COLUMNS.length)),
    // One array parameter per column, unnest()ed server-side: 16 parameters whatever the row count.
    "unnest 5,000-row chunks, one tx": async ({ scanId, rows }: BulkInput): Promise<void> => {
      const now = dbInstant(new Date());
      await this.#sql.begin(async (tx) => {
        for (let start = 0; start < rows.length; start += UNNEST_CHUNK) {
          const end = Math.min(rows.length, start + UNNEST_CHUNK);
          const columns: Value[][] = FINDING_COLUMNS.map(() => new Array<Value>(end - start));
          const one: Value[] = [];
          for (let r = start; r < end; r++) {
            one.length = 0;
            pushFindingValues(one, scanId, rows[r]!, now);
            for (let c = 0; c < one.length; c++) (columns[c] as Value[])[r - start] = one[c] as Value;
          }
          await tx.unsafe(UNNEST_TEXT, columns as never, PREPARED);
        }
      });
    },
    // The SQL our repository sends: each chunk's rows as one json text parameter, unpacked by
    // json_populate_recordset, with the same chunk size and statements in flight.
    "json_populate_recordset 1,000, one tx": async ({ scanId, rows }: BulkInput): Promise<void> => {
      const now = dbInstant(new Date());
      const text = jsonInsertText("findings", FINDING_COLUMNS);
      await this.#sql.begin(async (tx) => {
        const inFlight: Promise<unknown>[] = [];
        for (let start = 0; start < rows.length; start += JSON_ROWS_PER_STATEMENT) {
          const end = Math.min(rows.length, start + JSON_ROWS_PER_STATEMENT);
          inFlight.push(tx.unsafe(text, [findingsJson(scanId, rows, start, end, now)], PREPARED));
          if (inFlight.length >= JSON_STATEMENTS_IN_FLIGHT) await inFlight.shift();
        }
        await Promise.all(inFlight);
      });
    },
    // Not a like-for-like form (no parameters at all), but the ceiling a bulk path could reach.
    "COPY FROM STDIN, one tx": async ({ scanId, rows }: BulkInput): Promise<void> => {
      const now = dbInstant(new Date());
      await this.#sql.begin(async (tx) => {
        const stream = await tx.unsafe(`COPY findings (${FINDING_COLUMNS.join(", ")}) FROM STDIN`).writable();
        const done = new Promise<void>((resolve, reject) => {
          stream.on("finish", resolve);
          stream.on("error", reject);
        });
        const one: Value[] = [];
        let buffer = "";
        for (const f of rows) {
          one.length = 0;
          pushFindingValues(one, scanId, f, now);
          buffer += `${one.map(copyField).join("\t")}\n`;
          if (buffer.length >= 1 << 20) {
            stream.write(buffer);
            buffer = "";
          }
        }
        stream.end(buffer);
        await done;
      });
    },
  };

  async #multiRow(scanId: string, rows: BulkInput["rows"], perChunk: number): Promise<void> {
    const size = Math.min(perChunk, Math.floor(65_534 / FINDING_COLUMNS.length));
    const now = dbInstant(new Date());
    const texts = new Map<number, string>();
    await this.#sql.begin(async (tx) => {
      for (let start = 0; start < rows.length; start += size) {
        const end = Math.min(rows.length, start + size);
        const values: Value[] = [];
        for (let r = start; r < end; r++) pushFindingValues(values, scanId, rows[r]!, now);
        let text = texts.get(end - start);
        if (text === undefined) {
          text = insertText("postgres", "findings", FINDING_COLUMNS, end - start);
          texts.set(end - start, text);
        }
        await tx.unsafe(text, values, PREPARED);
      }
    });
  }

  async clearBulk(): Promise<void> {
    await this.#sql.unsafe("DELETE FROM findings WHERE id LIKE 'bulk-%'");
  }

  async appendUsage(rows: readonly UsageRow[]): Promise<void> {
    for (const u of rows) await this.#sql.unsafe(this.#read.appendUsage, usageValues(u), PREPARED);
  }

  appendUsageConcurrent(rows: readonly UsageRow[], workers: number): Promise<void> {
    return inWorkers(rows, workers, (u) =>
      this.#sql.unsafe(this.#read.appendUsage, usageValues(u), PREPARED),
    );
  }

  async counts(): Promise<{ scans: number; findings: number; api_usage: number }> {
    const [row] = await this
      .#sql`SELECT (SELECT COUNT(*) FROM scans) AS scans, (SELECT COUNT(*) FROM findings) AS findings, (SELECT COUNT(*) FROM api_usage) AS api_usage`;
    return { scans: Number(row?.scans), findings: Number(row?.findings), api_usage: Number(row?.api_usage) };
  }

  async close(): Promise<void> {
    await this.#sql.end({ timeout: 5 });
  }
}
