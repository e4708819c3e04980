/*
 * PostgreSQL's bulk insert, the one path for many rows: statements of many rows each, sent on one
 * connection a couple at a time (`sendChunks`). Two shapes of chunk feed it:
 *
 * - insertRows (records keyed by column): the rows of a chunk travel as ONE json text parameter
 *   that the server unpacks with json_populate_recordset. Measured on 100,000 findings against
 *   16,000 bound parameters per statement: about half the client CPU (one native JSON.stringify
 *   instead of encoding every value in the driver) for ~15% more server CPU (the json parse),
 *   ~20% more rows/s overall on two cores, close to COPY; and one statement text per table
 *   instead of one per row count.
 * - executeMany of an `INSERT … VALUES (?, …)` (execute-many.ts): multi-row VALUES lists of
 *   bound parameters, since the caller's statement text is all there is to go by.
 */
import { SqlQuery } from "../../sql/index.ts";
import type { DatabaseBackend, Row, RowSet } from "../database-backend.ts";
import { type InsertRows, insertRowSetsVia } from "../row-sets.ts";

/*
 * PostgreSQL json chunks: rows per statement, and a bound on the text of one chunk so that rows
 * with megabyte-long snippets never approach the protocol's 1 GB message limit. Chunks of 250 to
 * 2,000 rows measured alike; 5,000 and above were slower.
 */
const JSON_ROWS_PER_STATEMENT = 1_000;
const JSON_CHARS_PER_STATEMENT = 16 * 1024 * 1024;
/** Statements sent ahead on the transaction's connection while earlier ones still run. */
const STATEMENTS_IN_FLIGHT = 2;

/**
 * Sends one statement per chunk, STATEMENTS_IN_FLIGHT at a time on the caller's transaction, so
 * the next chunk is built while the server inserts this one; returns the rows they report. After
 * a failure the transaction is aborted, so nothing more is sent and the first error wins.
 */
export async function sendChunks<T>(
  chunks: Iterable<T>,
  send: (chunk: T) => PromiseLike<number>,
): Promise<number> {
  const inFlight: Promise<void>[] = [];
  let failure: { error: unknown } | undefined;
  let count = 0;
  for (const chunk of chunks) {
    inFlight.push(
      Promise.resolve(send(chunk)).then(
        (n) => {
          count += n;
        },
        (error: unknown) => {
          failure ??= { error };
        },
      ),
    );
    if (inFlight.length >= STATEMENTS_IN_FLIGHT) await inFlight.shift();
    if (failure !== undefined) break;
  }
  await Promise.all(inFlight);
  if (failure !== undefined) throw failure.error;
  return count;
}

/** `db` is the session the rows go through: the pool or a transaction on it. */
export const insertPostgresRows: InsertRows = async (db, table, columns, records) => {
  if (records.length === 0) return;
  if (records.length <= JSON_ROWS_PER_STATEMENT) {
    const text = JSON.stringify(records);
    if (text.length <= JSON_CHARS_PER_STATEMENT) {
      await db.execute(new SqlQuery(jsonTemplate(table, columns), [text]));
      return;
    }
  }
  // Several statements: together or not at all.
  await db.transaction((tx) => insertJsonChunks(tx, table, columns, records));
};

/*
 * Several tables' rows in one statement: each set but the last a data-modifying CTE, the last the
 * statement itself, every set one json parameter (`WITH s0 AS (INSERT INTO scans … $1), s1 AS
 * (INSERT INTO findings … $2) INSERT INTO audit_log … $3`). PostgreSQL runs every part of one
 * statement to completion, checks foreign keys at its end (findings see their scan) and commits
 * or fails it whole: one round trip where a transaction takes BEGIN, one insert per table and
 * COMMIT, with the same errors (a duplicate id is the same unique violation, naming its index).
 * Issue 15 measured ×1.32-1.39 the rate of BEGIN/insert/insert/COMMIT for a scan with its
 * findings, sequential, and ×1.34-1.42 with 10 workers (bench W1 measures it against raw).
 */
export function insertPostgresRowSets(db: DatabaseBackend, sets: readonly RowSet[]): Promise<void> {
  return insertRowSetsVia(db, sets, insertPostgresRows, oneStatement);
}

/** The sets as one statement, or null when one of them is too big for it (then: a transaction). */
function oneStatement(filled: readonly RowSet[]): SqlQuery | null {
  const texts: string[] = [];
  for (const s of filled) {
    if (s.records.length > JSON_ROWS_PER_STATEMENT) return null;
    const text = JSON.stringify(s.records);
    if (text.length > JSON_CHARS_PER_STATEMENT) return null;
    texts.push(text);
  }
  return new SqlQuery(rowSetsTemplate(filled), texts);
}

const rowSetsTemplates = new Map<string, readonly string[]>();

function rowSetsTemplate(sets: readonly RowSet[]): readonly string[] {
  const key = sets.map((s) => `${s.table}(${s.columns.join(",")})`).join(";");
  let strings = rowSetsTemplates.get(key);
  if (strings === undefined) {
    const built: string[] = [];
    let pending = "WITH ";
    sets.forEach((s, k) => {
      const list = s.columns.join(", ");
      const insert = `INSERT INTO ${s.table} (${list}) SELECT ${list} FROM json_populate_recordset(NULL::${s.table}, `;
      if (k < sets.length - 1) {
        built.push(`${pending}s${k} AS (${insert}`);
        pending = "::text::json)), ";
      } else {
        built.push(`${pending.replace(/, $/, " ")}${insert}`);
        pending = "::text::json)";
      }
    });
    built.push(pending);
    strings = Object.freeze(built);
    if (rowSetsTemplates.size >= 64) rowSetsTemplates.clear();
    rowSetsTemplates.set(key, strings);
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
  await sendChunks(
    jsonChunks(records),
    async (text) => (await db.execute(new SqlQuery(template, [text]))).rowCount,
  );
}

/**
 * The records as json texts of up to JSON_ROWS_PER_STATEMENT rows, made one at a time as they are
 * sent. No string here holds a lone surrogate (which JSON.stringify would escape and PostgreSQL's
 * json parser refuse): the checks that made the records replaced them (repositories/domain.ts `text`).
 */
function* jsonChunks(records: readonly Row[]): Generator<string> {
  let start = 0;
  while (start < records.length) {
    let end = Math.min(records.length, start + JSON_ROWS_PER_STATEMENT);
    let text = JSON.stringify(start === 0 && end === records.length ? records : records.slice(start, end));
    // Rare (rows of megabytes): halve the chunk until its text fits, at least one row.
    while (text.length > JSON_CHARS_PER_STATEMENT && end - start > 1) {
      end = start + Math.ceil((end - start) / 2);
      text = JSON.stringify(records.slice(start, end));
    }
    yield text;
    start = end;
  }
}
