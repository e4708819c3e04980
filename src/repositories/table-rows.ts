/*
 * A stored value in the two forms a copy needs, by column kind: the form the repositories write
 * (bound on the target) and the form they hand out (hashed for the checksum). Both come from the
 * repositories' own conversions, so "the same row" means what a caller of either backend sees,
 * whatever the driver returned (Date or text for an instant, true or 1 for a flag).
 */
import type { Row } from "../backends/index.ts";
import { instantIn } from "../repositories/domain.ts";
import { flagOut, instantOut } from "../repositories/row-convert.ts";
import type { CatalogTable, ColumnKind } from "../repositories/table-catalog.ts";
import type { SqlParam } from "../sql/index.ts";

function written(kind: ColumnKind, column: string, value: unknown): SqlParam {
  if (value === null || value === undefined) return null;
  switch (kind) {
    case "instant":
      return instantIn(column, value instanceof Date ? value : String(value));
    case "flag":
      return flagOut(value);
    case "int":
      // Beyond 2^53 (PostgreSQL only) as exact decimal text: INTEGER affinity and the json
      // rows of the PostgreSQL bulk insert both read it back as the same integer.
      if (typeof value === "bigint") return value.toString();
      return typeof value === "number" ? value : Number(value);
    case "real":
      return typeof value === "number" ? value : Number(value);
    case "text":
      return typeof value === "string" ? value : String(value);
  }
}

function handedOut(kind: ColumnKind, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (kind) {
    case "instant":
      return instantOut(value);
    case "flag":
      return flagOut(value);
    case "int":
      // Beyond 2^53 PostgreSQL hands out a bigint; as text it hashes the same as the exact number.
      return typeof value === "bigint" ? value.toString() : Number(value);
    case "real":
      return Number(value);
    case "text":
      return String(value);
  }
}

/** The row as the target's insert takes it, keyed by column. */
export function writtenRow(table: CatalogTable, row: Row): Row {
  const out: Row = {};
  for (const [column, kind] of table.columns) out[column] = written(kind, column, row[column]);
  return out;
}

/** The row as the repositories would hand it out, as one canonical text (column order of the catalog). */
export function canonicalRow(table: CatalogTable, row: Row): string {
  const values: unknown[] = new Array(table.columns.length);
  table.columns.forEach(([column, kind], n) => {
    values[n] = handedOut(kind, row[column]);
  });
  return JSON.stringify(values);
}
