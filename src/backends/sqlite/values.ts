import { StorageError } from "../../errors/index.ts";
import type { SqlParam } from "../../sql/index.ts";
import type { Row } from "../database-backend.ts";

/** What the SQLite driver binds without surprises. */
export type SqliteValue = string | number | bigint | null | Uint8Array;

const MAX = BigInt(Number.MAX_SAFE_INTEGER);
const MIN = -MAX;

/*
 * SQLite hands integers back as JS numbers to everyone else in the project, so an integer that a
 * number cannot hold exactly is refused on the way in rather than rounded on the way out.
 * Call after checkParams: the values are already known to be of the allowed kinds.
 */
export function toSqliteValues(values: readonly SqlParam[]): SqliteValue[] {
  const out = new Array<SqliteValue>(values.length);
  for (let i = 0; i < values.length; i++) out[i] = toSqliteValue(values[i] as SqlParam, i);
  return out;
}

/**
 * Whether every value is one checkParams accepts AND the driver binds unchanged: text, null,
 * bytes, a number that is neither NaN nor an integer beyond ±(2^53 - 1). Then a statement that
 * runs at once binds the caller's array itself instead of a converted copy, and a read sent
 * again needs no other check; anything else takes the full checks (and their errors).
 */
export function bindsAsIs(values: readonly unknown[]): values is readonly SqliteValue[] {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v === "string" || v === null) continue;
    if (typeof v === "number") {
      if (Number.isNaN(v) || (Number.isInteger(v) && !Number.isSafeInteger(v))) return false;
      continue;
    }
    if (v instanceof Uint8Array) continue;
    return false;
  }
  return true;
}

function toSqliteValue(value: SqlParam, index: number): SqliteValue {
  switch (typeof value) {
    case "boolean":
      return value ? 1 : 0;
    case "bigint":
      if (value > MAX || value < MIN) throw tooBig(index, value);
      return Number(value);
    case "number":
      if (Number.isInteger(value) && !Number.isSafeInteger(value)) throw tooBig(index, value);
      return value;
    default:
      // The driver cannot bind a Date; ISO-8601 UTC text sorts and compares correctly.
      if (value instanceof Date) return value.toISOString();
      return value;
  }
}

function tooBig(index: number, value: bigint | number): StorageError {
  return new StorageError(
    `Parameter ${index + 1} (${value}) is an integer beyond ±(2^53 - 1): SQLite values come back as JS numbers, which cannot hold it exactly`,
    { code: "INTEGER_OUT_OF_RANGE" },
  );
}

/*
 * The connection reads with safeIntegers on, so every integer arrives as a bigint. Those a number
 * holds exactly become numbers; the rest stay bigints instead of being rounded. Number() of a
 * bigint beyond ±(2^53 - 1) lands beyond it too, so one conversion and a range check on the
 * result decide, with no bigint comparisons.
 */
export function fromSqliteRow(row: Row): Row {
  for (const key in row) {
    const v = row[key];
    if (typeof v === "bigint") {
      const n = Number(v);
      if (Number.isSafeInteger(n)) row[key] = n;
    }
  }
  return row;
}
