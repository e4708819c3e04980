/*
 * How values come back from PostgreSQL. The driver's defaults do not fit the contract:
 * int8 arrives as a string, and timestamps are read in the process's local zone.
 */
import { COLON, DASH, DOT, PLUS, SPACE, UPPER_T, ZERO } from "../../sql/index.ts";

const INT8 = 20;
const BYTEA = 17;
const DATE = 1082;
const TIMESTAMP = 1114;
const TIMESTAMPTZ = 1184;

/** The shape the driver's `types` option takes (a type per entry, keyed by any name). */
export interface DriverType {
  to: number;
  from: number[];
  serialize: (value: never) => unknown;
  parse: (text: string) => unknown;
}

/** A count or BIGSERIAL id is a number while it is exact, a bigint beyond 2^53. */
export function parseInt8(text: string): number | bigint {
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : BigInt(text);
}

// Sessions run with TimeZone=UTC, so timestamptz text carries +00; the offset is still honoured
// in case a statement changes the zone. Fractions beyond milliseconds are cut, as a Date holds ms.
const TIMESTAMP_TEXT =
  /^(\d{4,})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d)(?:\.(\d+))?(?:([+-])(\d\d)(?::?(\d\d))?(?::?(\d\d))?)?$/;
const DATE_TEXT = /^(\d{4,})-(\d\d)-(\d\d)$/;

/**
 * TIMESTAMP (no zone) is stored UTC by convention, so it is read as UTC whatever TZ the process
 * runs in. Values a Date cannot mean (infinity, BC years) come back as the server's text.
 */
export function parseTimestampAsUtc(text: string): Date | string {
  return parseUsualTimestamp(text) ?? parseAnyTimestamp(text);
}

function parseAnyTimestamp(text: string): Date | string {
  const m = TIMESTAMP_TEXT.exec(text);
  if (m === null) return text;
  const millis = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, "0"));
  let time = Date.UTC(
    Number(m[1]),
    Number(m[2]) - 1,
    Number(m[3]),
    Number(m[4]),
    Number(m[5]),
    Number(m[6]),
    millis,
  );
  if (m[8] !== undefined) {
    const offsetSeconds = Number(m[9]) * 3600 + Number(m[10] ?? 0) * 60 + Number(m[11] ?? 0);
    time -= (m[8] === "-" ? -1 : 1) * offsetSeconds * 1000;
  }
  return yearSafe(time, Number(m[1]), text);
}

/*
 * What the server sends for nearly every value, "2024-05-01 12:34:56[.123456][+00[:00[:00]]]",
 * read by position: a list of rows parses a few timestamps per row, and the regular expression
 * took twice as long as building the Date. Anything else (other year widths, BC, infinity, odd
 * layouts) returns undefined and goes through the expression above, which also covers these.
 */
function parseUsualTimestamp(text: string): Date | undefined {
  const n = text.length;
  if (n < 19) return undefined;
  const sep = text.charCodeAt(10);
  if (
    text.charCodeAt(4) !== DASH ||
    text.charCodeAt(7) !== DASH ||
    (sep !== SPACE && sep !== UPPER_T) ||
    text.charCodeAt(13) !== COLON ||
    text.charCodeAt(16) !== COLON
  ) {
    return undefined;
  }
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  const hour = digitsAt(text, 11, 2);
  const minute = digitsAt(text, 14, 2);
  const second = digitsAt(text, 17, 2);
  // Years below 100 need yearSafe's correction; the general path applies it.
  if (year < 100 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) return undefined;
  let i = 19;
  let millis = 0;
  if (i < n && text.charCodeAt(i) === DOT) {
    const start = ++i;
    // Fractions beyond milliseconds are cut, as in the general path.
    while (i < n && isDigit(text.charCodeAt(i))) {
      if (i - start < 3) millis = millis * 10 + (text.charCodeAt(i) - ZERO);
      i++;
    }
    const width = i - start;
    if (width === 0) return undefined;
    if (width === 1) millis *= 100;
    else if (width === 2) millis *= 10;
  }
  let offsetSeconds = 0;
  if (i < n) {
    const sign = text.charCodeAt(i);
    if (sign !== PLUS && sign !== DASH) return undefined;
    const hours = digitsAt(text, i + 1, 2);
    if (hours < 0) return undefined;
    i += 3;
    let minutes = 0;
    let seconds = 0;
    if (i < n) {
      if (text.charCodeAt(i) === COLON) i++;
      minutes = digitsAt(text, i, 2);
      i += 2;
    }
    if (minutes >= 0 && i < n) {
      if (text.charCodeAt(i) === COLON) i++;
      seconds = digitsAt(text, i, 2);
      i += 2;
    }
    if (minutes < 0 || seconds < 0 || i !== n) return undefined;
    offsetSeconds = (sign === DASH ? -1 : 1) * (hours * 3600 + minutes * 60 + seconds);
  }
  const time = Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetSeconds * 1000;
  return Number.isFinite(time) ? new Date(time) : undefined;
}

function isDigit(c: number): boolean {
  return c >= ZERO && c <= ZERO + 9;
}

/** The value of `width` decimal digits at `at`, or -1 if any is not a digit (or is missing). */
function digitsAt(text: string, at: number, width: number): number {
  let value = 0;
  for (let k = at; k < at + width; k++) {
    const c = text.charCodeAt(k);
    if (!isDigit(c)) return -1;
    value = value * 10 + (c - ZERO);
  }
  return value;
}

/** A DATE is midnight UTC of that day. */
export function parseDateAsUtc(text: string): Date | string {
  const m = DATE_TEXT.exec(text);
  if (m === null) return text;
  return yearSafe(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])), Number(m[1]), text);
}

function yearSafe(time: number, year: number, text: string): Date | string {
  // Date.UTC maps years 0–99 to 1900–1999.
  if (year < 100) {
    const d = new Date(time);
    d.setUTCFullYear(year);
    return d;
  }
  return Number.isFinite(time) ? new Date(time) : text;
}

/** A fresh Uint8Array: the driver's Buffers may be views into a shared pool slab. */
export function parseBytea(text: string): Uint8Array {
  return Uint8Array.from(Buffer.from(text.slice(2), "hex"));
}

/** The `types` option for the driver: user types override its built-in parsers. */
export const DRIVER_TYPES: Record<string, DriverType> = {
  int8: {
    to: INT8,
    from: [INT8],
    serialize: (value: bigint | number) => String(value),
    parse: parseInt8,
  },
  timestamp: {
    to: TIMESTAMPTZ,
    from: [TIMESTAMP, TIMESTAMPTZ],
    // Text is passed as written: JS would read a zoneless string in the process's local zone.
    serialize: (value: Date | string) => (value instanceof Date ? value.toISOString() : String(value)),
    parse: parseTimestampAsUtc,
  },
  date: {
    to: DATE,
    from: [DATE],
    serialize: (value: Date | string) =>
      value instanceof Date ? value.toISOString().slice(0, 10) : String(value),
    parse: parseDateAsUtc,
  },
  bytea: {
    to: BYTEA,
    from: [BYTEA],
    serialize: (value: Uint8Array | string) =>
      typeof value === "string" ? value : "\\x" + Buffer.from(value).toString("hex"),
    parse: parseBytea,
  },
};
