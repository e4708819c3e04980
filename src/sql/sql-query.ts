import { StorageError } from "../errors/index.ts";
import type { SqlParam } from "./sql-param.ts";

/**
 * A query built by the `sql` tag: text pieces with a value between each pair.
 * Invariant: `strings.length === values.length + 1`. Nested queries are flattened on
 * construction, so a `SqlQuery` never holds another one and rendering is a single join.
 */
export class SqlQuery {
  readonly strings: readonly string[];
  readonly values: readonly SqlParam[];

  constructor(strings: readonly string[], values: readonly SqlParam[]) {
    this.strings = strings;
    this.values = values;
  }
}

export type SqlFragment = SqlQuery | SqlParam;

function isFragment(value: unknown): value is SqlQuery {
  return value instanceof SqlQuery;
}

/** Appends `piece` (a query or a value) to the flat strings/values being built. */
function append(strings: string[], values: SqlParam[], piece: SqlFragment): void {
  if (isFragment(piece)) {
    const [first = "", ...rest] = piece.strings;
    strings[strings.length - 1] += first;
    for (let k = 0; k < rest.length; k++) {
      values.push(piece.values[k] as SqlParam);
      strings.push(rest[k] as string);
    }
  } else {
    values.push(piece);
    strings.push("");
  }
}

function appendText(strings: string[], text: string): void {
  strings[strings.length - 1] += text;
}

function tag(strings: TemplateStringsArray, ...values: SqlFragment[]): SqlQuery {
  let nested = false;
  for (const v of values) {
    if (isFragment(v)) {
      nested = true;
      break;
    }
  }
  // The common case keeps the template's own frozen strings array: renderers cache by it.
  if (!nested) return new SqlQuery(strings, values as SqlParam[]);
  const outStrings: string[] = [strings[0] as string];
  const outValues: SqlParam[] = [];
  for (let k = 0; k < values.length; k++) {
    append(outStrings, outValues, values[k] as SqlFragment);
    appendText(outStrings, strings[k + 1] as string);
  }
  return new SqlQuery(outStrings, outValues);
}

function join(parts: readonly SqlFragment[], separator: SqlQuery | string = ", "): SqlQuery {
  const strings: string[] = [""];
  const values: SqlParam[] = [];
  parts.forEach((part, k) => {
    if (k > 0) {
      if (typeof separator === "string") appendText(strings, separator);
      else append(strings, values, separator);
    }
    append(strings, values, part);
  });
  return new SqlQuery(strings, values);
}

function ident(name: string): SqlQuery {
  if (typeof name !== "string" || name.length === 0) {
    throw new StorageError("sql.ident needs a non-empty identifier name", { code: "INVALID_IDENTIFIER" });
  }
  if (name.includes("\0")) {
    throw new StorageError("sql.ident: an identifier cannot contain a NUL character", {
      code: "INVALID_IDENTIFIER",
    });
  }
  return new SqlQuery([`"${name.replaceAll('"', '""')}"`], []);
}

function list(values: readonly SqlFragment[]): SqlQuery {
  if (!Array.isArray(values) || values.length === 0) {
    throw new StorageError("sql.list needs at least one value: `IN ()` is not valid SQL", {
      code: "EMPTY_LIST",
    });
  }
  return join(values, ", ");
}

function unsafe(text: string): SqlQuery {
  if (typeof text !== "string") {
    throw new StorageError("sql.unsafe takes a string", { code: "INVALID_FRAGMENT" });
  }
  return new SqlQuery([text], []);
}

export interface SqlTag {
  (strings: TemplateStringsArray, ...values: SqlFragment[]): SqlQuery;
  /** Joins fragments or values with a separator (raw text or a query); default ", ". */
  join: typeof join;
  /** A quoted identifier, with `"` doubled. */
  ident: typeof ident;
  /** `?, ?, ?` for an IN list; an empty list is an error. */
  list: typeof list;
  /** Raw SQL text, spliced as is: the only way to splice text. */
  unsafe: typeof unsafe;
}

/** Tagged template: every interpolated value becomes a parameter; nested queries are inlined. */
export const sql: SqlTag = Object.assign(tag, { join, ident, list, unsafe });
