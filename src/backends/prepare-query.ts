import { StorageError } from "../errors/index.ts";
import {
  type AdaptedQuery,
  checkParams,
  type Dialect,
  renderQuery,
  type SqlParam,
  SqlQuery,
  scanMarkers,
} from "../sql/index.ts";
import type { QueryInput } from "./database-backend.ts";

/*
 * The checks every query goes through on both backends, before anything reaches a database.
 * Only the conversion of the validated values to what a driver binds is left to each backend.
 */

export interface PreparedQuery {
  /** Text with the dialect's markers: `?` on SQLite, `$n` on PostgreSQL. */
  text: string;
  /**
   * Validated values. For a text query this is the caller's own array: a backend that keeps it
   * past the call (a driver that reads it only when the statement is sent) must copy it.
   */
  values: readonly SqlParam[];
}

/** Renders and validates a query; throws before anything reaches the database. */
export function prepareQuery(
  query: QueryInput,
  params: readonly SqlParam[] | undefined,
  dialect: Dialect,
): PreparedQuery {
  if (query instanceof SqlQuery) {
    if (params !== undefined && params.length > 0) {
      throw new StorageError("A query from the sql tag carries its own parameters; pass no params with it", {
        code: "PARAM_COUNT",
      });
    }
    // One value per marker by construction: only the values' kinds need checking.
    const rendered = renderQuery(query, dialect);
    checkParams(rendered.values);
    return rendered;
  }
  const scanned = markersOf(requireText(query), dialect);
  const values = params ?? NO_VALUES;
  checkParams(values, scanned.markers);
  return { text: scanned.text, values };
}

export interface PreparedBatch<R> {
  /** The statement as written (`?` markers). */
  source: string;
  /** The statement with the dialect's markers. */
  text: string;
  /** One converted row per parameter row, in order. */
  rows: R[];
}

/**
 * For executeMany: every row is checked, and converted by `convert`, before the first one is
 * sent. A conversion that refuses a value throws a StorageError, named after its row like a
 * failed check.
 */
export function prepareBatch<R>(
  query: string,
  paramsSeq: readonly (readonly SqlParam[])[],
  dialect: Dialect,
  convert: (params: readonly SqlParam[]) => R,
): PreparedBatch<R> {
  const source = requireText(query);
  if (!Array.isArray(paramsSeq)) {
    throw new StorageError("executeMany expects an array of parameter arrays", { code: "INVALID_PARAMETER" });
  }
  const scanned = markersOf(source, dialect);
  const rows = new Array<R>(paramsSeq.length);
  for (let row = 0; row < paramsSeq.length; row++) {
    const params = paramsSeq[row];
    if (!Array.isArray(params)) {
      throw new StorageError(`executeMany row ${row + 1} is not an array of parameters`, {
        code: "INVALID_PARAMETER",
      });
    }
    try {
      checkParams(params, scanned.markers);
      rows[row] = convert(params);
    } catch (error) {
      if (error instanceof StorageError) {
        throw new StorageError(`executeMany row ${row + 1}: ${error.message}`, {
          code: error.code,
          cause: error,
        });
      }
      throw error;
    }
  }
  return { source, text: scanned.text, rows };
}

const NO_VALUES: readonly SqlParam[] = Object.freeze([]);

/*
 * Repositories send the same few texts over and over; scanning each for markers (and, on
 * PostgreSQL, rewriting them) on every call showed up in profiles. Results are kept per text and
 * dialect. Texts can also be built per call (IN lists, filters), so the cache is bounded: when it
 * is full the oldest entry goes, without reordering on hits (a hit costs one lookup). Very long
 * texts (multi-row statements built on the fly) are scanned each time rather than held.
 */
const MARKER_CACHE_ENTRIES = 1024;
const MARKER_CACHE_MAX_TEXT = 8192;
const markerCaches: Record<Dialect, Map<string, AdaptedQuery>> = {
  sqlite: new Map(),
  postgres: new Map(),
};

function markersOf(text: string, dialect: Dialect): AdaptedQuery {
  const cache = markerCaches[dialect];
  // An unknown dialect has no cache: scanMarkers reports it.
  let scanned = cache?.get(text);
  if (scanned !== undefined) return scanned;
  scanned = scanMarkers(text, dialect);
  if (text.length <= MARKER_CACHE_MAX_TEXT) {
    if (cache.size >= MARKER_CACHE_ENTRIES) cache.delete(cache.keys().next().value as string);
    cache.set(text, scanned);
  }
  return scanned;
}

function requireText(query: unknown): string {
  if (typeof query !== "string") {
    throw new StorageError("A query is SQL text with ? markers or a SqlQuery from the sql tag", {
      code: "INVALID_QUERY",
    });
  }
  return query;
}
