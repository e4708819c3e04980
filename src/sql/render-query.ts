import { assertDialect, type Dialect } from "./dialect.ts";
import type { SqlParam } from "./sql-param.ts";
import { SqlQuery } from "./sql-query.ts";

export interface RenderedQuery {
  text: string;
  values: SqlParam[];
}

// Keyed by the template's strings array, which is one frozen object per call site: a
// repository's hot queries render once per dialect, not once per call.
const sqliteCache = new WeakMap<readonly string[], string>();
const postgresCache = new WeakMap<readonly string[], string>();

function joinMarkers(strings: readonly string[], dialect: Dialect): string {
  let text = strings[0] as string;
  for (let k = 1; k < strings.length; k++) {
    text += (dialect === "postgres" ? `$${k}` : "?") + (strings[k] as string);
  }
  return text;
}

/** `?` markers for SQLite, `$1..$n` for PostgreSQL. */
export function renderQuery(query: SqlQuery, dialect: Dialect): RenderedQuery {
  assertDialect(dialect);
  if (!(query instanceof SqlQuery)) throw new TypeError("renderQuery expects a SqlQuery from the sql tag");
  const cache = dialect === "postgres" ? postgresCache : sqliteCache;
  let text = cache.get(query.strings);
  if (text === undefined) {
    text = joinMarkers(query.strings, dialect);
    if (Object.isFrozen(query.strings)) cache.set(query.strings, text);
  }
  // A copy: a caller that adjusts values for its driver must not change the query it was given,
  // which may be rendered again (a retry, or the same fragment reused).
  return { text, values: query.values.slice() };
}
