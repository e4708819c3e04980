/*
 * Multi-row INSERTs of checked records (objects keyed by column name, values as bound), the one
 * write path of scans, findings and URL analyses. The caller supplies the transaction: the
 * statements of one logical write must commit together.
 *
 * SQLite: `INSERT … VALUES (?, …), (?, …)` in statements of at most 16,000 parameters.
 * PostgreSQL: the rows of a chunk travel as ONE json text parameter that the server unpacks with
 * json_populate_recordset. Measured on 100,000 findings against 16,000 bound parameters per
 * statement: about half the client CPU (one native JSON.stringify instead of encoding every value
 * in the driver) for ~15% more server CPU (the json parse), ~20% more rows/s overall on two
 * cores, close to COPY; and one statement text per table instead of one per row count.
 */
import type { DatabaseBackend, Row } from "../backends/database-backend.ts";
import { type SqlParam, SqlQuery } from "../sql/index.ts";

/** Stays well under SQLite's 32,766 and PostgreSQL's 65,534 parameters per statement. */
const MAX_PARAMS_PER_STATEMENT = 16_000;

/*
 * PostgreSQL json chunks: rows per statement, and a bound on the text of one chunk so that rows
 * with megabyte-long snippets never approach the protocol's 1 GB message limit. Chunks of 250 to
 * 2,000 rows measured alike; 5,000 and above were slower.
 */
const JSON_ROWS_PER_STATEMENT = 1_000;
const JSON_CHARS_PER_STATEMENT = 16 * 1024 * 1024;
/** Statements sent ahead on the transaction's connection while earlier ones still run. */
const JSON_STATEMENTS_IN_FLIGHT = 2;

export async function insertRecords(
  db: DatabaseBackend,
  table: string,
  columns: readonly string[],
  records: readonly Row[],
): Promise<void> {
  if (records.length === 0) return;
  if (db.backendName === "postgres") return insertJsonChunks(db, table, columns, records);
  if (records.length >= PREPARED_ROWS_FROM) return insertPreparedRows(db, table, columns, records);
  const perChunk = Math.max(1, Math.floor(MAX_PARAMS_PER_STATEMENT / columns.length));
  for (let start = 0; start < records.length; start += perChunk) {
    const end = Math.min(records.length, start + perChunk);
    await db.execute(valuesInsert(table, columns, records, start, end));
  }
}

/*
 * SQLite, large batches: one single-row statement prepared once and stepped per row
 * (executeMany) beats multi-row statements there (measured on 100,000 findings: raw prepared ×N
 * 105k rows/s, raw multi-row 1,000 91k); small batches (a scan's findings) stay one multi-row
 * statement, which saves the per-row steps and executeMany's savepoint.
 */
const PREPARED_ROWS_FROM = 200;
const singleRowTexts = new Map<string, string>();

async function insertPreparedRows(
  db: DatabaseBackend,
  table: string,
  columns: readonly string[],
  records: readonly Row[],
): Promise<void> {
  const key = `${table}(${columns.join(",")})`;
  let text = singleRowTexts.get(key);
  if (text === undefined) {
    text = `INSERT INTO ${table} (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`;
    singleRowTexts.set(key, text);
  }
  const width = columns.length;
  const rows: SqlParam[][] = new Array(records.length);
  for (let r = 0; r < records.length; r++) {
    const record = records[r] as Row;
    const row: SqlParam[] = new Array(width);
    for (let c = 0; c < width; c++) row[c] = record[columns[c] as string] as SqlParam;
    rows[r] = row;
  }
  await db.executeMany(text, rows);
}

/** One multi-row `INSERT … VALUES` for records[start, end). */
function valuesInsert(
  table: string,
  columns: readonly string[],
  records: readonly Row[],
  start: number,
  end: number,
): SqlQuery {
  const width = columns.length;
  const values: SqlParam[] = new Array((end - start) * width);
  let k = 0;
  for (let r = start; r < end; r++) {
    const record = records[r] as Row;
    for (let c = 0; c < width; c++) values[k++] = record[columns[c] as string] as SqlParam;
  }
  return new SqlQuery(valuesTemplate(table, columns, end - start), values);
}

// Frozen and reused per shape, so renderQuery's per-template cache turns repeat inserts of the
// same size into a lookup instead of re-joining thousands of markers.
const valuesTemplates = new Map<string, readonly string[]>();

function valuesTemplate(table: string, columns: readonly string[], rowCount: number): readonly string[] {
  const key = `${table}(${columns.join(",")})x${rowCount}`;
  let strings = valuesTemplates.get(key);
  if (strings === undefined) {
    const width = columns.length;
    const built: string[] = [`INSERT INTO ${table} (${columns.join(", ")}) VALUES (`];
    for (let r = 0; r < rowCount; r++) {
      for (let c = 0; c < width; c++) built.push(c < width - 1 ? ", " : r < rowCount - 1 ? "), (" : ")");
    }
    strings = Object.freeze(built);
    // Bounded: chunk sizes repeat, but a long-lived process sees many distinct small batch sizes.
    if (valuesTemplates.size >= 256) valuesTemplates.clear();
    valuesTemplates.set(key, strings);
  }
  return strings;
}

const jsonTemplates = new Map<string, readonly string[]>();

/**
 * `?::text::json`: typed as text, the driver sends the string as is (a json-typed parameter
 * would be JSON-encoded a second time). Columns are named, so the table's own column order and
 * any columns a newer schema adds do not matter; every named column is present in each object,
 * so no column default is silently substituted.
 */
function jsonTemplate(table: string, columns: readonly string[]): readonly string[] {
  const key = `${table}(${columns.join(",")})`;
  let strings = jsonTemplates.get(key);
  if (strings === undefined) {
    const list = columns.join(", ");
    strings = Object.freeze([
      `INSERT INTO ${table} (${list}) SELECT ${list} FROM json_populate_recordset(NULL::${table}, `,
      "::text::json)",
    ]);
    jsonTemplates.set(key, strings);
  }
  return strings;
}

async function insertJsonChunks(
  db: DatabaseBackend,
  table: string,
  columns: readonly string[],
  records: readonly Row[],
): Promise<void> {
  const template = jsonTemplate(table, columns);
  const inFlight: Promise<void>[] = [];
  let failure: { error: unknown } | undefined;
  let start = 0;
  while (start < records.length && failure === undefined) {
    let end = Math.min(records.length, start + JSON_ROWS_PER_STATEMENT);
    let text = JSON.stringify(start === 0 && end === records.length ? records : records.slice(start, end));
    // Rare (rows of megabytes): halve the chunk until its text fits, at least one row.
    while (text.length > JSON_CHARS_PER_STATEMENT && end - start > 1) {
      end = start + Math.ceil((end - start) / 2);
      text = JSON.stringify(records.slice(start, end));
    }
    /*
     * Sent at once: the next chunk is serialised while the server inserts this one. After a
     * failure the transaction is aborted, so nothing more is sent and the first error wins.
     * No string here holds a lone surrogate (which JSON.stringify would escape and PostgreSQL's
     * json parser refuse): the checks that made the records replaced them (domain.ts `text`).
     */
    inFlight.push(
      db.execute(new SqlQuery(template, [text])).then(
        () => {},
        (error: unknown) => {
          failure ??= { error };
        },
      ),
    );
    if (inFlight.length >= JSON_STATEMENTS_IN_FLIGHT) await inFlight.shift();
    start = end;
  }
  await Promise.all(inFlight);
  if (failure !== undefined) throw failure.error;
}
