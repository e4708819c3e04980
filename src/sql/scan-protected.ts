import {
  BACKSLASH,
  BACKTICK,
  CR,
  DASH,
  DOLLAR,
  DQUOTE,
  LBRACKET,
  LF,
  QUOTE,
  SLASH,
  STAR,
} from "./char-codes.ts";
import type { Dialect } from "./dialect.ts";

/*
 * The one place that knows where SQL text is *not* code: string literals, quoted identifiers,
 * comments and dollar-quoted bodies. Marker rewriters call it at each position; it returns the
 * index just past the protected region starting there, or `i` itself when code starts there.
 * Every call advances monotonically, so a rewriter stays linear in the text length.
 */

export function isIdentStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c >= 128;
}

export function isIdentChar(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57) || c === DOLLAR;
}

export function skipProtected(text: string, i: number, dialect: Dialect): number {
  const c = text.charCodeAt(i);
  switch (c) {
    case QUOTE: {
      const escapes = dialect === "postgres" && isEscapeStringPrefix(text, i);
      return skipQuoted(text, i + 1, QUOTE, escapes);
    }
    case DQUOTE:
      return skipQuoted(text, i + 1, DQUOTE, false);
    case DASH:
      if (text.charCodeAt(i + 1) !== DASH) return i;
      return skipLineComment(text, i + 2, dialect === "postgres");
    case SLASH:
      if (text.charCodeAt(i + 1) !== STAR) return i;
      return skipBlockComment(text, i + 2, dialect === "postgres");
    case DOLLAR:
      return dialect === "postgres" ? skipDollarBody(text, i) : i;
    case BACKTICK:
      return dialect === "sqlite" ? skipQuoted(text, i + 1, BACKTICK, false) : i;
    case LBRACKET:
      if (dialect !== "sqlite") return i;
      {
        const end = text.indexOf("]", i + 1);
        return end === -1 ? text.length : end + 1;
      }
    default:
      return i;
  }
}

/** E'…' (or e'…') starts an escape string only when the E is a word of its own. */
function isEscapeStringPrefix(text: string, quoteAt: number): boolean {
  if (quoteAt === 0) return false;
  const e = text.charCodeAt(quoteAt - 1);
  if (e !== 69 && e !== 101) return false;
  return quoteAt === 1 || !isIdentChar(text.charCodeAt(quoteAt - 2));
}

/** Skips to just past the closing quote; a doubled quote is an escaped one. Unterminated: to the end. */
function skipQuoted(text: string, from: number, quote: number, backslashEscapes: boolean): number {
  let j = from;
  const n = text.length;
  while (j < n) {
    const c = text.charCodeAt(j);
    if (backslashEscapes && c === BACKSLASH) {
      j += 2;
      continue;
    }
    if (c === quote) {
      if (text.charCodeAt(j + 1) === quote) {
        j += 2;
        continue;
      }
      return j + 1;
    }
    j++;
  }
  return n;
}

/**
 * SQLite ends a `--` comment at a line feed only; PostgreSQL's lexer also ends it at a carriage
 * return, so a marker after a lone CR is code there.
 */
function skipLineComment(text: string, from: number, crEnds: boolean): number {
  const n = text.length;
  for (let j = from; j < n; j++) {
    const c = text.charCodeAt(j);
    if (c === LF || (crEnds && c === CR)) return j;
  }
  return n;
}

function skipBlockComment(text: string, from: number, nested: boolean): number {
  let depth = 1;
  let j = from;
  const n = text.length;
  while (j < n) {
    const c = text.charCodeAt(j);
    if (c === STAR && text.charCodeAt(j + 1) === SLASH) {
      depth--;
      j += 2;
      if (depth === 0) return j;
      continue;
    }
    if (nested && c === SLASH && text.charCodeAt(j + 1) === STAR) {
      depth++;
      j += 2;
      continue;
    }
    j++;
  }
  return n;
}

/** $$…$$ or $tag$…$tag$; `$1` (a positional marker) and `a$b` (an identifier) are not bodies. */
function skipDollarBody(text: string, i: number): number {
  if (i > 0 && isIdentChar(text.charCodeAt(i - 1))) return i;
  let j = i + 1;
  const n = text.length;
  if (j < n && text.charCodeAt(j) !== DOLLAR) {
    if (!isIdentStart(text.charCodeAt(j))) return i;
    while (j < n && isIdentChar(text.charCodeAt(j)) && text.charCodeAt(j) !== DOLLAR) j++;
    if (text.charCodeAt(j) !== DOLLAR) return i;
  }
  if (j >= n) return i;
  const tag = text.slice(i, j + 1);
  const end = text.indexOf(tag, j + 1);
  return end === -1 ? n : end + tag.length;
}
