import { StorageError } from "../errors/index.ts";

/** What may be bound to a marker on either backend. */
export type SqlParam = string | number | bigint | boolean | null | Date | Uint8Array;

/**
 * Refuses what a driver would silently mangle (the SQLite driver binds `undefined` as NULL; objects and
 * arrays have no single SQL meaning here). Runs before anything reaches a database.
 */
export function checkParams(values: readonly unknown[], expected?: number): void {
  if (!Array.isArray(values)) {
    throw new StorageError(
      "Parameters must be given as an array (named values go through adaptNamedToPositional)",
      {
        code: "INVALID_PARAMETER",
      },
    );
  }
  if (expected !== undefined && values.length !== expected) {
    throw new StorageError(
      `Query has ${expected} parameter marker${expected === 1 ? "" : "s"} but ${values.length} parameter${values.length === 1 ? " was" : "s were"} given`,
      { code: "PARAM_COUNT" },
    );
  }
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null) continue;
    switch (typeof v) {
      case "string":
      case "bigint":
      case "boolean":
        continue;
      case "number":
        if (Number.isNaN(v)) throw badParam(i, "NaN");
        continue;
      case "undefined":
        throw badParam(i, "undefined (use null for SQL NULL)");
      case "object":
        if (v instanceof Date) {
          if (Number.isNaN(v.getTime())) throw badParam(i, "an invalid Date");
          continue;
        }
        if (v instanceof Uint8Array) continue;
        throw badParam(i, describeObject(v));
      default:
        throw badParam(i, `a ${typeof v}`);
    }
  }
}

function describeObject(v: object): string {
  if (Array.isArray(v)) return "an array (use sql.list for IN lists)";
  const proto: unknown = Object.getPrototypeOf(v);
  if (proto === null || proto === Object.prototype) return "a plain object";
  const name = (v as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === "string" && name !== "" ? `a ${name}` : "an object";
}

function badParam(index: number, what: string): StorageError {
  return new StorageError(
    `Parameter ${index + 1} is ${what}; allowed: string, number, bigint, boolean, null, Date, Uint8Array`,
    {
      code: "INVALID_PARAMETER",
    },
  );
}
