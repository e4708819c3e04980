/*
 * Row conversion shared by every repository: the one place that knows how each driver hands back
 * instants, flags and JSON text, so both backends produce the same plain objects.
 * These run once per column per row on hot paths: plain branches, no generic loops or regexes
 * on the common formats.
 */
import type { Row } from "../backends/index.ts";
import { StorageError } from "../errors/index.ts";

/** An instant as repositories hand it out: ISO-8601 UTC with milliseconds, ending in `Z`. */
export type Instant = string;

const ZONE_SUFFIX = /(?:Z|[+-]\d\d(?::?\d\d)?)$/i;

/**
 * Reads an instant from either driver. PostgreSQL's backend gives `Date`s already read as UTC;
 * SQLite gives `YYYY-MM-DD HH:MM:SS` from datetime('now'), `YYYY-MM-DD HH:MM:SS.sss` written by
 * these repositories, or whatever an older writer (the Python malwar) stored: zone-less text is UTC.
 */
export function instantOut(value: unknown): Instant {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "string") {
    const n = value.length;
    if (n === 19 && value.charCodeAt(10) === 32) return `${value.slice(0, 10)}T${value.slice(11)}.000Z`;
    if (n === 23 && value.charCodeAt(10) === 32) return `${value.slice(0, 10)}T${value.slice(11)}Z`;
    if (n === 24 && value.charCodeAt(10) === 84 && value.charCodeAt(23) === 90) return value;
    // PostgreSQL's text of TIMESTAMP (`::text`: ' ') and its JSON rendering ('T'): zone-less,
    // 0-6 fraction digits (trailing zeros dropped), UTC by the schema's convention.
    const sep = value.charCodeAt(10);
    if (n >= 19 && n <= 26 && (sep === 84 || sep === 32) && isBareFraction(value)) {
      const fraction = n > 20 ? value.slice(20, 23).padEnd(3, "0") : "000";
      return `${value.slice(0, 10)}T${value.slice(11, 19)}.${fraction}Z`;
    }
    return parseLooseInstant(value).toISOString();
  }
  throw new StorageError(`Expected a stored instant, got ${value === null ? "null" : typeof value}`, {
    code: "BAD_STORED_VALUE",
  });
}

/** True when nothing but `.digits` follows the seconds: no zone designator. */
function isBareFraction(value: string): boolean {
  if (value.length === 19) return true;
  if (value.charCodeAt(19) !== 46 || value.length === 20) return false;
  for (let i = 20; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

export function instantOrNull(value: unknown): Instant | null {
  return value === null || value === undefined ? null : instantOut(value);
}

/** Parses instant text in any ISO-like form; zone-less text is taken as UTC, never local time. */
export function parseLooseInstant(text: string): Date {
  let s = text.trim();
  if (s.length > 10 && s.charCodeAt(10) === 32) s = `${s.slice(0, 10)}T${s.slice(11)}`;
  // JavaScript reads zone-less date-times as local time; stored instants are UTC.
  if (s.length > 10 && !ZONE_SUFFIX.test(s)) s += "Z";
  // More than millisecond precision (PostgreSQL text, Python isoformat) is truncated, as Date does.
  s = s.replace(/(\.\d{3})\d+/, "$1");
  const date = new Date(s);
  if (Number.isNaN(date.getTime())) {
    throw new StorageError(`Stored instant ${JSON.stringify(text)} is not a date-time`, {
      code: "BAD_STORED_VALUE",
    });
  }
  return date;
}

/**
 * The form app-written instants take on the way in, on both backends: UTC `YYYY-MM-DD HH:MM:SS[.sss]`.
 * On SQLite it is datetime('now')'s own layout plus milliseconds, so text comparison and ORDER BY
 * stay correct across rows stamped by the database and rows stamped here; on PostgreSQL it
 * carries no zone, so a TIMESTAMP column stores exactly these digits whatever the session zone.
 */
export function toDbInstant(date: Date): string {
  const iso = date.toISOString();
  // Whole seconds drop the fraction, exactly as datetime('now') writes them: equal instants are
  // then equal text on SQLite, and `>=` against a database-stamped row stays correct.
  return iso.charCodeAt(20) === 48 && iso.charCodeAt(21) === 48 && iso.charCodeAt(22) === 48
    ? `${iso.slice(0, 10)} ${iso.slice(11, 19)}`
    : `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
}

/** PostgreSQL booleans arrive as true/false, SQLite flags as 1/0. */
export function flagOut(value: unknown): boolean {
  return value === true || value === 1 || value === 1n;
}

/** JSON columns are TEXT on both backends; an empty or missing value reads as the empty array. */
export function jsonArrayOut<T = unknown>(value: unknown): T[] {
  // The column default, and most stored lists: skip the parser.
  if (value === "[]" || value === null || value === undefined || value === "") return [];
  if (typeof value !== "string") return value as T[];
  if (value.length > SHORT_LIST_CHARS) return JSON.parse(value) as T[];
  const known = shortLists.get(value);
  if (known !== undefined) return known.slice() as T[];
  const parsed = JSON.parse(value) as T[];
  rememberList(value, parsed);
  return parsed;
}

/*
 * Short lists repeat across rows (a scan's layers_executed is one of a handful of combinations,
 * findings share evidence phrases): a lookup and a copy cost about half of JSON.parse, and far
 * less than splitting the text by hand. Only lists of primitives are kept, so the copy handed
 * out shares nothing mutable; the map is bounded and simply starts over when full.
 */
const SHORT_LIST_CHARS = 256;
const SHORT_LIST_ENTRIES = 4096;
const shortLists = new Map<string, readonly unknown[]>();

function rememberList(text: string, list: unknown): void {
  if (!Array.isArray(list)) return;
  for (let i = 0; i < list.length; i++) {
    const item: unknown = list[i];
    if (item !== null && typeof item === "object") return;
  }
  if (shortLists.size >= SHORT_LIST_ENTRIES) shortLists.clear();
  shortLists.set(text, list.slice());
}

export function jsonObjectOut(value: unknown): Record<string, unknown> {
  if (value === "{}" || value === null || value === undefined || value === "") return {};
  if (typeof value !== "string") return value as Record<string, unknown>;
  return JSON.parse(value) as Record<string, unknown>;
}

/** Integers: numbers on both backends (int8 beyond 2^53 cannot be written through the repositories). */
export function intOrNull(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  return typeof value === "number" ? value : Number(value);
}

export function textOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : (value as string);
}

/**
 * How a column is handed out. `value`: as the driver gives it (NOT NULL text, enums, REAL);
 * `nullable`: the same, a missing value as null; `number`: a number or null (int8 may come as text
 * or bigint); `flag`, `instant`, `nullableInstant`; `list` and `object`: JSON text.
 */
export type ColumnKind =
  | "value"
  | "nullable"
  | "number"
  | "flag"
  | "instant"
  | "nullableInstant"
  | "list"
  | "object";

/** One table's conversion: every field of the object handed out, and how its column reads. */
export type ColumnKinds<T> = { readonly [K in keyof T]-?: ColumnKind };

const CONVERTERS: Readonly<Record<Exclude<ColumnKind, "value">, (value: unknown) => unknown>> = {
  nullable: textOrNull,
  number: intOrNull,
  flag: flagOut,
  instant: instantOut,
  nullableInstant: instantOrNull,
  list: jsonArrayOut,
  object: jsonObjectOut,
};
const CONVERTER_NAMES = Object.keys(CONVERTERS) as (keyof typeof CONVERTERS)[];
const CONVERTER_FUNCTIONS = CONVERTER_NAMES.map((name) => CONVERTERS[name]);

const COLUMN_NAME = /^[a-z_][a-z0-9_]*$/;

/**
 * A table's row converter; `columns` are its field names in order, as bulk inserts list them.
 * `rows` converts the rows of one result, in place when they are exactly the table's row.
 */
export type RowConverter<T> = ((row: Row) => T) & {
  readonly columns: readonly (keyof T & string)[];
  readonly rows: (rows: Row[]) => T[];
};

/**
 * Builds a table's row converter once, from its column kinds: a function that returns one object
 * literal, written out field by field as a hand-made converter would be. Scan and finding rows
 * are converted on every read; a generic loop over the kinds measured about three times slower
 * per row (keyed stores, a call per column), an object literal keeps one shape for every row.
 * Only lower-case column names (checked) enter the generated text.
 */
export function rowConverter<T>(columns: ColumnKinds<T>): RowConverter<T> {
  const fields: string[] = [];
  const changes: string[] = [];
  for (const [name, kind] of Object.entries(columns) as [string, ColumnKind][]) {
    if (!COLUMN_NAME.test(name)) throw new StorageError(`Column name ${JSON.stringify(name)} is not plain`);
    if (kind === "value") fields.push(`${name}: r.${name}`);
    else if (Object.hasOwn(CONVERTERS, kind)) fields.push(`${name}: ${kind}(r.${name})`);
    else throw new StorageError(`Column ${name}: unknown kind ${JSON.stringify(kind)}`);
    // In place, a column the driver hands out as it should be is left alone: `nullable` and
    // `number` are converted only when they are not already what they would become.
    if (kind === "nullable") changes.push(`if (r.${name} === undefined) r.${name} = null;`);
    else if (kind === "number") {
      changes.push(`v = r.${name}; if (typeof v !== "number" && v !== null) r.${name} = number(v);`);
    } else if (kind !== "value") changes.push(`r.${name} = ${kind}(r.${name});`);
  }
  const build = new Function(
    ...CONVERTER_NAMES,
    `"use strict"; return [(r) => ({ ${fields.join(", ")} }), (r) => { let v; ${changes.join(" ")} return r; }];`,
  );
  const [convert, inPlace] = build(...CONVERTER_FUNCTIONS) as [(row: Row) => T, (row: Row) => T];
  const names = Object.freeze(Object.keys(columns)) as (keyof T & string)[];
  return Object.assign(convert, {
    columns: names,
    rows: (rows: Row[]) => convertRows(rows, names, convert, inPlace),
  });
}

/*
 * The rows of one result share one shape. When it is exactly the table's row (`SELECT *` or the
 * full column list, in order), each driver row is converted where it is instead of copied into a
 * new object: the copy was a third of the cost of shaping a list of 50 scans. Anything else (a
 * column missing, an extra one, another order) takes the copy, which names every field itself.
 */
function convertRows<T>(
  rows: Row[],
  names: readonly string[],
  convert: (row: Row) => T,
  inPlace: (row: Row) => T,
): T[] {
  const first = rows[0];
  if (first === undefined || !hasExactly(first, names)) return rows.map(convert);
  for (let i = 0; i < rows.length; i++) inPlace(rows[i] as Row);
  return rows as unknown as T[];
}

function hasExactly(row: Row, names: readonly string[]): boolean {
  const keys = Object.keys(row);
  if (keys.length !== names.length) return false;
  for (let i = 0; i < keys.length; i++) if (keys[i] !== names[i]) return false;
  return true;
}
