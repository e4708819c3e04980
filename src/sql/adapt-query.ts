import { QMARK } from "./char-codes.ts";
import { assertDialect, type Dialect } from "./dialect.ts";
import { skipProtected } from "./scan-protected.ts";

export interface AdaptedQuery {
  text: string;
  /** How many real `?` markers the text holds (literals, comments, bodies and `??` excluded). */
  markers: number;
}

/**
 * Rewrites `?` markers to `$1..$n` for PostgreSQL; SQLite text comes back unchanged.
 * `??` stands for a literal `?` (PostgreSQL's jsonb operators) and becomes `?` on PostgreSQL.
 */
export function adaptQuery(text: string, dialect: Dialect): string {
  return scanMarkers(text, dialect).text;
}

/** adaptQuery plus the marker count the backends check parameters against. */
export function scanMarkers(text: string, dialect: Dialect): AdaptedQuery {
  assertDialect(dialect);
  const rewrite = dialect === "postgres";
  // Fast path: text with no `?` at all is common (DDL, constant queries).
  if (text.indexOf("?") === -1) return { text, markers: 0 };
  const parts: string[] = [];
  let markers = 0;
  let copied = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === QMARK) {
      if (text.charCodeAt(i + 1) === QMARK) {
        if (rewrite) {
          parts.push(text.slice(copied, i + 1));
          copied = i + 2;
        }
        i += 2;
        continue;
      }
      markers++;
      if (rewrite) {
        parts.push(text.slice(copied, i), `$${markers}`);
        copied = i + 1;
      }
      i++;
      continue;
    }
    const next = skipProtected(text, i, dialect);
    i = next > i ? next : i + 1;
  }
  if (!rewrite) return { text, markers };
  parts.push(text.slice(copied));
  return { text: parts.join(""), markers };
}
