import { CLOSE_PAREN, isIdentChar, isIdentStart, OPEN_PAREN, QMARK, skipProtected } from "../../sql/index.ts";

/*
 * executeMany of `INSERT … VALUES (?, …)` is sent as multi-row INSERTs: one round trip per few
 * thousand rows instead of one per row. The statement is split into the text before its one
 * VALUES tuple, the tuple cut at its markers, and the text after it; each chunk repeats the
 * tuple with renumbered markers.
 *
 * Only shapes whose meaning does not change when rows travel together qualify: a plain INSERT,
 * ON CONFLICT … DO NOTHING, RETURNING. ON CONFLICT DO UPDATE does not (PostgreSQL refuses to
 * update one row twice in one statement, where one statement per row would update it twice),
 * nor does anything with markers outside the tuple.
 */

export interface MultiRowInsert {
  head: string;
  /** The tuple's text between its markers; `??` already turned into `?`. */
  tupleParts: string[];
  tail: string;
  markersPerRow: number;
}

export function planMultiRowInsert(text: string): MultiRowInsert | null {
  if (!startsWithInsertInto(text)) return null;
  const values = findTopLevelKeyword(text, "values");
  if (values === -1) return null;
  let open = values + "values".length;
  while (open < text.length && /\s/.test(text[open] as string)) open++;
  if (text.charCodeAt(open) !== OPEN_PAREN) return null;
  const close = matchingParen(text, open);
  if (close === -1) return null;

  const head = text.slice(0, open);
  const tupleParts = splitAtMarkers(text.slice(open, close + 1));
  const tail = text.slice(close + 1).replace(/;\s*$/, "");
  const headParts = splitAtMarkers(head);
  const tailParts = splitAtMarkers(tail);
  if (headParts.length !== 1 || tailParts.length !== 1 || tupleParts.length < 2) return null;
  if (!tailQualifies(tailParts[0] as string)) return null;
  return {
    head: headParts[0] as string,
    tupleParts,
    tail: tailParts[0] as string,
    markersPerRow: tupleParts.length - 1,
  };
}

/** Whether the statement's first two words (after any comments) are INSERT INTO. */
function startsWithInsertInto(text: string): boolean {
  const words: string[] = [];
  let i = 0;
  while (i < text.length && words.length < 2) {
    const skipped = skipProtected(text, i, "postgres");
    if (skipped > i) {
      // A literal or quoted name before INTO: not a plain INSERT INTO.
      if (text[i] !== "-" && text[i] !== "/") return false;
      i = skipped;
      continue;
    }
    const c = text.charCodeAt(i);
    if (isIdentStart(c)) {
      let j = i + 1;
      while (j < text.length && isIdentChar(text.charCodeAt(j))) j++;
      words.push(text.slice(i, j).toLowerCase());
      i = j;
    } else if (/\s/.test(text[i] as string)) i++;
    else return false;
  }
  return words[0] === "insert" && words[1] === "into";
}

/** The INSERT for `rows` rows, markers numbered from $1. */
export function renderMultiRowInsert(plan: MultiRowInsert, rows: number): string {
  const out: string[] = [plan.head];
  let n = 0;
  for (let r = 0; r < rows; r++) {
    if (r > 0) out.push(", ");
    const parts = plan.tupleParts;
    out.push(parts[0] as string);
    for (let k = 1; k < parts.length; k++) out.push(`$${++n}`, parts[k] as string);
  }
  out.push(plan.tail);
  return out.join("");
}

function tailQualifies(tail: string): boolean {
  const words = tail.trim().replace(/\s+/g, " ").toLowerCase();
  if (words === "" || words.startsWith("returning ")) return true;
  return /^on conflict\b/.test(words) && /\bdo nothing( returning .*)?$/.test(words);
}

/** Index of `keyword` as a word outside literals, comments and parentheses; -1 if absent. */
function findTopLevelKeyword(text: string, keyword: string): number {
  let depth = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const skipped = skipProtected(text, i, "postgres");
    if (skipped > i) {
      i = skipped;
      continue;
    }
    const c = text.charCodeAt(i);
    if (c === OPEN_PAREN) depth++;
    else if (c === CLOSE_PAREN) depth--;
    else if (isIdentStart(c) && (i === 0 || !isIdentChar(text.charCodeAt(i - 1)))) {
      let j = i + 1;
      while (j < n && isIdentChar(text.charCodeAt(j))) j++;
      const word = text.slice(i, j).toLowerCase();
      if (depth === 0 && word === keyword) return i;
      // INSERT … SELECT, or a CTE: not a VALUES insert.
      if (depth === 0 && (word === "select" || word === "with")) return -1;
      i = j;
      continue;
    }
    i++;
  }
  return -1;
}

function matchingParen(text: string, open: number): number {
  let depth = 0;
  let i = open;
  while (i < text.length) {
    const skipped = skipProtected(text, i, "postgres");
    if (skipped > i) {
      i = skipped;
      continue;
    }
    const c = text.charCodeAt(i);
    if (c === OPEN_PAREN) depth++;
    else if (c === CLOSE_PAREN && --depth === 0) return i;
    i++;
  }
  return -1;
}

/** Text between real `?` markers (literals, comments and bodies kept whole; `??` -> `?`). */
function splitAtMarkers(text: string): string[] {
  const parts: string[] = [];
  let current = "";
  let copied = 0;
  let i = 0;
  while (i < text.length) {
    const skipped = skipProtected(text, i, "postgres");
    if (skipped > i) {
      i = skipped;
      continue;
    }
    if (text.charCodeAt(i) === QMARK) {
      if (text.charCodeAt(i + 1) === QMARK) {
        current += text.slice(copied, i + 1);
        copied = i + 2;
        i += 2;
        continue;
      }
      parts.push(current + text.slice(copied, i));
      current = "";
      copied = i + 1;
    }
    i++;
  }
  parts.push(current + text.slice(copied));
  return parts;
}
