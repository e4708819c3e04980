import type { Dialect } from "../sql/dialect.ts";
import { skipProtected } from "../sql/index.ts";

/**
 * Splits a script at the semicolons that end statements (not those inside literals, comments or
 * dollar-quoted bodies), for a `-- migrate:no-transaction` file whose statements must reach the
 * server one at a time. Fragments that hold only comments and whitespace are dropped.
 */
export function splitStatements(script: string, dialect: Dialect): string[] {
  const statements: string[] = [];
  let start = 0;
  let hasCode = false;
  let i = 0;
  while (i < script.length) {
    const skipped = skipProtected(script, i, dialect);
    if (skipped !== i) {
      // A literal or quoted identifier is code; a comment is not.
      const c = script[i];
      if (c !== "-" && c !== "/") hasCode = true;
      i = skipped;
      continue;
    }
    const c = script[i]!;
    if (c === ";") {
      if (hasCode) statements.push(script.slice(start, i).trim());
      start = i + 1;
      hasCode = false;
    } else if (!/\s/.test(c)) {
      hasCode = true;
    }
    i++;
  }
  if (hasCode) statements.push(script.slice(start).trim());
  return statements;
}
