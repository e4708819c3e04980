import { StorageError } from "../errors/index.ts";
import { COLON } from "./char-codes.ts";
import { assertDialect, type Dialect } from "./dialect.ts";
import { isIdentChar, isIdentStart, skipProtected } from "./scan-protected.ts";
import type { SqlParam } from "./sql-param.ts";

/**
 * Turns `:name` markers into positional ones (`?` for SQLite, `$n` for PostgreSQL).
 * `::type` casts, literals, comments and bodies are left alone; a name used twice gets a marker
 * (and a value) each time.
 */
export function adaptNamedToPositional(
  text: string,
  params: Readonly<Record<string, SqlParam>>,
  dialect: Dialect,
): { text: string; values: SqlParam[] } {
  assertDialect(dialect);
  const parts: string[] = [];
  const values: SqlParam[] = [];
  let copied = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === COLON) {
      if (text.charCodeAt(i + 1) === COLON) {
        i += 2;
        continue;
      }
      if (isIdentStart(text.charCodeAt(i + 1)) && (i === 0 || !isIdentChar(text.charCodeAt(i - 1)))) {
        let j = i + 2;
        while (j < n && isIdentChar(text.charCodeAt(j)) && text.charCodeAt(j) !== 36) j++;
        const name = text.slice(i + 1, j);
        // `undefined` counts as missing: caught here, the error can name the marker.
        if (!Object.hasOwn(params, name) || params[name] === undefined) {
          throw new StorageError(
            `Named parameter :${name} has no value in the params given (use null for SQL NULL)`,
            { code: "MISSING_PARAMETER" },
          );
        }
        values.push(params[name] as SqlParam);
        parts.push(text.slice(copied, i), dialect === "postgres" ? `$${values.length}` : "?");
        copied = j;
        i = j;
        continue;
      }
      i++;
      continue;
    }
    const next = skipProtected(text, i, dialect);
    i = next > i ? next : i + 1;
  }
  parts.push(text.slice(copied));
  return { text: parts.join(""), values };
}
