import { StorageError } from "../../errors/index.ts";
import { checkParams, renderQuery, type SqlParam, SqlQuery, scanMarkers } from "../../sql/index.ts";
import type { QueryInput } from "../database-backend.ts";
import { type SqliteValue, toSqliteValues } from "./sqlite-values.ts";

export interface PreparedInput {
  text: string;
  values: SqliteValue[];
}

/** Validates and converts a query's parameters; throws before anything reaches the database. */
export function prepareInput(query: QueryInput, params?: readonly SqlParam[]): PreparedInput {
  if (query instanceof SqlQuery) {
    if (params !== undefined && params.length > 0) {
      throw new StorageError("A query from the sql tag carries its own parameters; pass no params with it", {
        code: "PARAM_COUNT",
      });
    }
    const rendered = renderQuery(query, "sqlite");
    checkParams(rendered.values);
    return { text: rendered.text, values: toSqliteValues(rendered.values) };
  }
  const text = requireText(query);
  const values = params ?? [];
  checkParams(values, scanMarkers(text, "sqlite").markers);
  return { text, values: toSqliteValues(values) };
}

/** For executeMany: every row is checked before the first one is written. */
export function prepareBatch(query: string, paramsSeq: readonly (readonly SqlParam[])[]): PreparedInput[] {
  const text = requireText(query);
  if (!Array.isArray(paramsSeq)) {
    throw new StorageError("executeMany expects an array of parameter arrays", { code: "INVALID_PARAMETER" });
  }
  const markers = scanMarkers(text, "sqlite").markers;
  return paramsSeq.map((params, row) => {
    if (!Array.isArray(params)) {
      throw new StorageError(`executeMany row ${row + 1} is not an array of parameters`, {
        code: "INVALID_PARAMETER",
      });
    }
    try {
      checkParams(params, markers);
      return { text, values: toSqliteValues(params) };
    } catch (error) {
      if (error instanceof StorageError) {
        throw new StorageError(`executeMany row ${row + 1}: ${error.message}`, {
          code: error.code,
          cause: error,
        });
      }
      throw error;
    }
  });
}

function requireText(query: unknown): string {
  if (typeof query !== "string") {
    throw new StorageError("A query is SQL text with ? markers or a SqlQuery from the sql tag", {
      code: "INVALID_QUERY",
    });
  }
  return query;
}
