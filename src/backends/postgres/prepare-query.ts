import { StorageError } from "../../errors/index.ts";
import { checkParams, renderQuery, type SqlParam, SqlQuery, scanMarkers } from "../../sql/index.ts";
import type { QueryInput } from "../database-backend.ts";

export interface PreparedQuery {
  /** Text with `$n` markers. */
  text: string;
  values: SqlParam[];
}

/** Renders and validates a query; throws before anything reaches the database. */
export function prepareQuery(query: QueryInput, params?: readonly SqlParam[]): PreparedQuery {
  if (query instanceof SqlQuery) {
    if (params !== undefined && params.length > 0) {
      throw new StorageError("A query from the sql tag carries its own parameters; pass no params with it", {
        code: "PARAM_COUNT",
      });
    }
    const rendered = renderQuery(query, "postgres");
    checkParams(rendered.values);
    return rendered;
  }
  const text = requireText(query);
  const values = params ?? [];
  const scanned = scanMarkers(text, "postgres");
  checkParams(values, scanned.markers);
  return { text: scanned.text, values: [...values] };
}

export interface PreparedBatch {
  /** The statement as written (`?` markers), for the multi-row planner. */
  source: string;
  /** The statement with `$n` markers, for one row at a time. */
  text: string;
  rows: SqlParam[][];
}

/** For executeMany: every row is checked before the first one is sent. */
export function prepareBatch(query: string, paramsSeq: readonly (readonly SqlParam[])[]): PreparedBatch {
  const source = requireText(query);
  if (!Array.isArray(paramsSeq)) {
    throw new StorageError("executeMany expects an array of parameter arrays", { code: "INVALID_PARAMETER" });
  }
  const scanned = scanMarkers(source, "postgres");
  const rows = paramsSeq.map((params, row) => {
    if (!Array.isArray(params)) {
      throw new StorageError(`executeMany row ${row + 1} is not an array of parameters`, {
        code: "INVALID_PARAMETER",
      });
    }
    try {
      checkParams(params, scanned.markers);
    } catch (error) {
      if (error instanceof StorageError) {
        throw new StorageError(`executeMany row ${row + 1}: ${error.message}`, {
          code: error.code,
          cause: error,
        });
      }
      throw error;
    }
    return params as SqlParam[];
  });
  return { source, text: scanned.text, rows };
}

function requireText(query: unknown): string {
  if (typeof query !== "string") {
    throw new StorageError("A query is SQL text with ? markers or a SqlQuery from the sql tag", {
      code: "INVALID_QUERY",
    });
  }
  return query;
}
