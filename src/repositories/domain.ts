/*
 * Domain values from the schema, checked before anything is written: a bad value is a
 * ValidationError naming the column, on both backends alike (SQLite would store anything and
 * PostgreSQL would fail late with a driver error, so neither may be left to decide).
 */
import { ValidationError } from "../errors/index.ts";
import { parseLooseInstant, toDbInstant } from "./row-convert.ts";

/** Most severe first: the order findings are listed in, everywhere (SQL and code). */
export const SEVERITIES = ["critical", "high", "medium", "low", "info"] as const;
export type Severity = (typeof SEVERITIES)[number];

export const SCAN_STATUSES = ["pending", "running", "completed", "failed"] as const;
export type ScanStatus = (typeof SCAN_STATUSES)[number];

export const VERDICTS = ["CLEAN", "CAUTION", "SUSPICIOUS", "MALICIOUS"] as const;
export type Verdict = (typeof VERDICTS)[number];

export const DETECTOR_LAYERS = ["rule_engine", "url_crawler", "llm_analyzer", "threat_intel"] as const;
export type DetectorLayer = (typeof DETECTOR_LAYERS)[number];

export const CATEGORIES = [
  "obfuscated_command",
  "social_engineering",
  "prompt_injection",
  "known_malware",
  "credential_exposure",
  "suspicious_command",
  "data_exfiltration",
  "malicious_url",
  "suspicious_dependency",
  "typosquatting",
  "security_disablement",
  "financial_fraud",
  "detection_evasion",
] as const;
export type Category = (typeof CATEGORIES)[number];

export const API_KEY_ROLES = ["admin", "analyst", "scanner", "readonly"] as const;
export type ApiKeyRole = (typeof API_KEY_ROLES)[number];

export const PATTERN_TYPES = ["exact", "regex", "fuzzy", "ioc"] as const;
export type PatternType = (typeof PATTERN_TYPES)[number];

export const IOC_TYPES = ["ip", "url", "domain", "hash"] as const;
export type IocType = (typeof IOC_TYPES)[number];

/** Each severity's place in SEVERITIES. */
export const SEVERITY_RANK: Readonly<Record<Severity, number>> = Object.freeze(
  Object.fromEntries(SEVERITIES.map((severity, rank) => [severity, rank])) as Record<Severity, number>,
);

/** What a caller may pass for an instant: a Date, or ISO-8601 text (zone-less text is UTC). */
export type InstantInput = Date | string;

export function oneOf<T extends string>(field: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value === "string" && (allowed as readonly string[]).includes(value)) return value as T;
  throw new ValidationError(field, `${field} must be one of ${allowed.join(", ")}; got ${describe(value)}`);
}

export function oneOfOrNull<T extends string>(
  field: string,
  value: unknown,
  allowed: readonly T[],
): T | null {
  return value === null || value === undefined ? null : oneOf(field, value, allowed);
}

/** Code points, as VARCHAR(n) counts them; UTF-16 length is an upper bound that settles most cases. */
function tooLong(value: string, max: number): boolean {
  if (value.length <= max) return false;
  let count = 0;
  for (const _ of value) if (++count > max) return true;
  return false;
}

/** Required text; `max` mirrors the PostgreSQL VARCHAR bound so SQLite refuses the same values. */
export function text(field: string, value: unknown, max?: number): string {
  if (typeof value !== "string")
    throw new ValidationError(field, `${field} must be a string; got ${describe(value)}`);
  if (value.includes("\0")) throw new ValidationError(field, `${field} must not contain NUL characters`);
  if (max !== undefined && tooLong(value, max)) {
    throw new ValidationError(field, `${field} must be at most ${max} characters`);
  }
  // Both drivers store text as UTF-8, where a lone surrogate would become U+FFFD: two different
  // ids would then collide, and what a write returns would differ from what a read returns.
  // Refused, not repaired. Free for the common case: a Latin-1 string holds no surrogate.
  if (!value.isWellFormed()) {
    throw new ValidationError(
      field,
      `${field} must be valid Unicode (it holds an unpaired UTF-16 surrogate)`,
    );
  }
  return value;
}

export function nonEmptyText(field: string, value: unknown, max?: number): string {
  const s = text(field, value, max);
  if (s.length === 0) throw new ValidationError(field, `${field} must not be empty`);
  return s;
}

export function textOrNullIn(field: string, value: unknown, max?: number): string | null {
  return value === null || value === undefined ? null : text(field, value, max);
}

export function integer(field: string, value: unknown, min = Number.MIN_SAFE_INTEGER): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min) {
    throw new ValidationError(
      field,
      `${field} must be an integer${min > Number.MIN_SAFE_INTEGER ? ` >= ${min}` : ""} within ±2^53; got ${describe(value)}`,
    );
  }
  return value;
}

export function integerOrNull(field: string, value: unknown, min?: number): number | null {
  return value === null || value === undefined ? null : integer(field, value, min);
}

/** INTEGER (not BIGINT) columns: PostgreSQL's int4 range, enforced on SQLite as well. */
export function int32OrNull(field: string, value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const n = integer(field, value);
  if (n < -2147483648 || n > 2147483647) throw new ValidationError(field, `${field} must fit in 32 bits`);
  return n;
}

/**
 * REAL columns. SQLite binds an integral double as an INTEGER, and one beyond 2^53 could not come
 * back exact (the backend refuses it); every double that large is integral, so the bound
 * ±(2^53 - 1) refuses exactly those, on both backends alike.
 */
export function finite(field: string, value: unknown, min = -Infinity, max = Infinity): number {
  if (typeof value === "number" && Number.isFinite(value) && Math.abs(value) > Number.MAX_SAFE_INTEGER) {
    throw new ValidationError(field, `${field} must be within ±(2^53 - 1); got ${describe(value)}`);
  }
  if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max) {
    const range = Number.isFinite(min) && Number.isFinite(max) ? ` between ${min} and ${max}` : "";
    throw new ValidationError(field, `${field} must be a finite number${range}; got ${describe(value)}`);
  }
  // -0 is stored as 0 by SQLite and by PostgreSQL's json route alike: one value on every path.
  return value === 0 ? 0 : value;
}

export function finiteOrNull(field: string, value: unknown, min?: number, max?: number): number | null {
  return value === null || value === undefined ? null : finite(field, value, min, max);
}

export function bool(field: string, value: unknown): boolean {
  if (typeof value !== "boolean")
    throw new ValidationError(field, `${field} must be true or false; got ${describe(value)}`);
  return value;
}

/** The item check of a list of text, for jsonArrayIn: any string, no length bound. */
export const stringItem = (field: string, v: unknown): string => text(field, v);

/** Arrays for JSON columns, encoded here; items are checked by `item` when given. */
export function jsonArrayIn(
  field: string,
  value: unknown,
  item?: (field: string, v: unknown) => unknown,
): string {
  if (value === null || value === undefined) return "[]";
  if (!Array.isArray(value))
    throw new ValidationError(field, `${field} must be an array; got ${describe(value)}`);
  if (item) {
    for (let i = 0; i < value.length; i++) {
      try {
        item(field, value[i]);
      } catch {
        // Named after the failing item only now: building `field[i]` for every item of every
        // row showed up in bulk-insert profiles.
        item(`${field}[${i}]`, value[i]);
      }
    }
  }
  return encodeJson(field, value);
}

export function jsonObjectIn(field: string, value: unknown): string {
  if (value === null || value === undefined) return "{}";
  if (typeof value !== "object" || Array.isArray(value)) {
    throw new ValidationError(field, `${field} must be a JSON object; got ${describe(value)}`);
  }
  return encodeJson(field, value);
}

function encodeJson(field: string, value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch (error) {
    throw new ValidationError(field, `${field} cannot be encoded as JSON`, { cause: error });
  }
}

/** An instant on its way to the database, in the form `toDbInstant` documents. */
export function instantIn(field: string, value: unknown): string {
  let date: Date;
  if (value instanceof Date) date = value;
  else if (typeof value === "string") {
    try {
      date = parseLooseInstant(value);
    } catch {
      throw new ValidationError(field, `${field} must be an ISO-8601 date-time; got ${describe(value)}`);
    }
  } else throw new ValidationError(field, `${field} must be a Date or ISO-8601 text; got ${describe(value)}`);
  const year = date.getUTCFullYear();
  if (Number.isNaN(date.getTime()) || year < 1 || year > 9999) {
    throw new ValidationError(field, `${field} must be a valid date-time between years 1 and 9999`);
  }
  return toDbInstant(date);
}

export function instantOrNullIn(field: string, value: unknown): string | null {
  return value === null || value === undefined ? null : instantIn(field, value);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "nothing";
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint")
    return String(value);
  return Array.isArray(value) ? "an array" : `a ${typeof value}`;
}
