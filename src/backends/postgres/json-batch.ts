import type { MultiRowInsert } from "./multi-row-insert.ts";

/*
 * executeMany of a plain `INSERT INTO t (a, b, …) VALUES (?, ?, …)` as one json text parameter
 * unpacked by json_populate_recordset, the way the repositories' bulk writes travel: the driver
 * encodes one string instead of every value (a multi-row VALUES list of 50,000 rows reached half
 * the rate of one `unnest` insert; this path is level with it), the server parses and plans one
 * statement text whatever the row count, and a batch that fits one statement needs no
 * transaction around it: one statement is atomic by itself.
 *
 * json_populate_recordset takes each column's type from the table, which is only the same as
 * binding the value when the text form of the value is what that type reads. That holds for the
 * scalar types listed below; a json/jsonb column would get a JSON string instead of the document
 * the text holds, so any other column type (checked in the catalog once per table and column
 * list) keeps the VALUES path. Values that JSON cannot carry as they are (non-finite numbers,
 * bytes, strings with lone surrogates) keep it too.
 */

/** Column types whose input function reads the JSON value's text as binding it would. */
export const JSON_SAFE_TYPES: ReadonlySet<string> = new Set([
  "text",
  "varchar",
  "bpchar",
  "name",
  "int2",
  "int4",
  "int8",
  "float4",
  "float8",
  "numeric",
  "bool",
  "timestamp",
  "timestamptz",
  "date",
  "uuid",
]);

/** Bound on one statement's json text, far below the protocol's 1 GB message limit. */
const MAX_CHARS_PER_STATEMENT = 16 * 1024 * 1024;

export interface JsonBatch {
  /** The table as written in the statement, and its columns in tuple order. */
  table: string;
  columns: string[];
  /** `INSERT … SELECT … FROM json_populate_recordset(NULL::t, $1::text::json) <tail>` */
  text: string;
  /** One json array text per statement. */
  chunks: string[];
}

const IDENT = "[A-Za-z_][A-Za-z0-9_]*";
const HEAD = new RegExp(
  `^\\s*insert\\s+into\\s+(${IDENT}(?:\\.${IDENT})?)\\s*\\(([^()]*)\\)\\s*values\\s*$`,
  "i",
);
const COLUMN = new RegExp(`^${IDENT}$`);

/** The json form of a VALUES insert, or null when the statement or a value does not qualify. */
export function planJsonBatch(plan: MultiRowInsert, rows: readonly (readonly unknown[])[]): JsonBatch | null {
  const head = HEAD.exec(plan.head);
  if (head === null) return null;
  const columns = (head[2] as string).split(",").map((c) => c.trim());
  if (columns.length !== plan.markersPerRow || !columns.every((c) => COLUMN.test(c))) return null;
  // The tuple holds nothing but its markers: `(`, `, ` …, `)`.
  const parts = plan.tupleParts;
  if ((parts[0] as string).trim() !== "(" || (parts[parts.length - 1] as string).trim() !== ")") return null;
  for (let k = 1; k < parts.length - 1; k++) if ((parts[k] as string).trim() !== ",") return null;
  const lower = columns.map((c) => c.toLowerCase());
  if (new Set(lower).size !== lower.length) return null;

  const chunks: string[] = [];
  let objects: Record<string, unknown>[] = [];
  let chars = 0;
  for (const row of rows) {
    const object: Record<string, unknown> = {};
    for (let c = 0; c < lower.length; c++) {
      const value = jsonValue(row[c]);
      if (value === UNFIT) return null;
      object[lower[c] as string] = value;
    }
    objects.push(object);
    // A rough bound (the values' own length dominates); exactness is not needed here.
    chars += 16 * lower.length;
    for (let c = 0; c < row.length; c++) {
      const v = row[c];
      if (typeof v === "string") chars += v.length * 2;
    }
    if (chars >= MAX_CHARS_PER_STATEMENT) {
      chunks.push(JSON.stringify(objects));
      objects = [];
      chars = 0;
    }
  }
  if (objects.length > 0) chunks.push(JSON.stringify(objects));
  const table = head[1] as string;
  const list = lower.join(", ");
  return {
    table,
    columns: lower,
    text: `INSERT INTO ${table} (${list}) SELECT ${list} FROM json_populate_recordset(NULL::${table}, $1::text::json)${plan.tail}`,
    chunks,
  };
}

const UNFIT = Symbol("unfit");

function jsonValue(v: unknown): unknown {
  switch (typeof v) {
    case "string":
      return v.isWellFormed() ? v : UNFIT;
    case "number":
      return Number.isFinite(v) ? v : UNFIT;
    case "boolean":
      return v;
    case "bigint":
      return v.toString();
    case "object":
      if (v === null) return null;
      if (v instanceof Date) return v.toISOString();
      return UNFIT;
    default:
      return UNFIT;
  }
}

/** The catalog query that tells whether every listed column has a JSON_SAFE_TYPES type. */
export const COLUMN_TYPES_TEXT =
  "SELECT a.attname AS name, t.typname AS type FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped AND a.attname = ANY($2::text[])";
