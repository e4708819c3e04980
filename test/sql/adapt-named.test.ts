/**
 * adaptNamedToPositional: `:name` markers become `?` (SQLite) or `$n` (PostgreSQL) with values in
 * marker order; casts, literals, comments and bodies keep their colons.
 */
import { describe, expect, test } from "bun:test";
import { StorageError } from "../../src/errors/index.ts";
import { adaptNamedToPositional, type Dialect, type SqlParam } from "../../src/sql/index.ts";

interface NamedCase {
  name: string;
  input: string;
  params: Record<string, SqlParam>;
  sqlite: string;
  postgres: string;
  values: SqlParam[] | { sqlite: SqlParam[]; postgres: SqlParam[] };
}

const cases: NamedCase[] = [
  {
    name: "markers in order of appearance, not of the params object",
    input: "select * from t where b = :b and a = :a",
    params: { a: 1, b: 2 },
    sqlite: "select * from t where b = ? and a = ?",
    postgres: "select * from t where b = $1 and a = $2",
    values: [2, 1],
  },
  {
    name: "a name used twice is passed twice",
    input: "where x = :v or y = :v or z = :w",
    params: { v: "same", w: 3 },
    sqlite: "where x = ? or y = ? or z = ?",
    postgres: "where x = $1 or y = $2 or z = $3",
    values: ["same", "same", 3],
  },
  {
    name: "::casts are left alone, also right after a marker",
    input: "select :a::int, created_at::text, '1'::jsonb",
    params: { a: "5" },
    sqlite: "select ?::int, created_at::text, '1'::jsonb",
    postgres: "select $1::int, created_at::text, '1'::jsonb",
    values: ["5"],
  },
  {
    name: "names with digits and underscores; a name ends at a non-identifier character",
    input: "values (:skill_name,:risk_score2)",
    params: { skill_name: "s", risk_score2: 9 },
    sqlite: "values (?,?)",
    postgres: "values ($1,$2)",
    values: ["s", 9],
  },
  {
    name: "colons inside literals, identifiers and comments",
    input: "select '12:30 :a', \"x:b\" -- :d\n/* :e /* :g */ */ , :f",
    params: { f: true },
    sqlite: "select '12:30 :a', \"x:b\" -- :d\n/* :e /* :g */ */ , ?",
    postgres: "select '12:30 :a', \"x:b\" -- :d\n/* :e /* :g */ */ , $1",
    values: [true],
  },
  {
    name: "E'' strings protect only on PostgreSQL (on SQLite 'x\\' ends at the escaped quote)",
    input: "select E'x\\':c', :f",
    params: { c: 1, f: 2 },
    sqlite: "select E'x\\'?', :f",
    postgres: "select E'x\\':c', $1",
    values: { sqlite: [1], postgres: [2] },
  },
  {
    name: "colons inside $$ bodies on PostgreSQL",
    input: "do $$ begin raise notice ':x'; perform :y; end $$; select :z",
    params: { z: 1, y: 2 },
    sqlite: "do $$ begin raise notice ':x'; perform ?; end $$; select ?",
    postgres: "do $$ begin raise notice ':x'; perform :y; end $$; select $1",
    values: { sqlite: [2, 1], postgres: [1] },
  },
  {
    name: "array slices with bounds after an identifier or digit are not markers",
    input: "select arr[1:2], arr[lo:hi], :n",
    params: { n: 0 },
    sqlite: "select arr[1:2], arr[lo:hi], ?",
    postgres: "select arr[1:2], arr[lo:hi], $1",
    values: [0],
  },
  {
    name: ":= and a bare colon are not markers",
    input: "select f(a := :v), ':'",
    params: { v: null },
    sqlite: "select f(a := ?), ':'",
    postgres: "select f(a := $1), ':'",
    values: [null],
  },
  {
    name: "a ? in the text is neither a name nor rewritten",
    input: "select '?', :a",
    params: { a: 1 },
    sqlite: "select '?', ?",
    postgres: "select '?', $1",
    values: [1],
  },
  {
    name: "no markers at all",
    input: "select 1",
    params: {},
    sqlite: "select 1",
    postgres: "select 1",
    values: [],
  },
];

describe("adaptNamedToPositional per dialect", () => {
  for (const c of cases) {
    for (const dialect of ["sqlite", "postgres"] as const) {
      test(`${c.name} [${dialect}]`, () => {
        const out = adaptNamedToPositional(c.input, c.params, dialect);
        expect(out.text).toBe(c[dialect]);
        expect(out.values).toEqual(Array.isArray(c.values) ? c.values : c.values[dialect]);
      });
    }
  }
});

describe("adaptNamedToPositional errors", () => {
  test("a missing name is a StorageError naming it", () => {
    for (const dialect of ["sqlite", "postgres"] as const) {
      expect(() => adaptNamedToPositional("select :present, :absent_one", { present: 1 }, dialect)).toThrow(
        StorageError,
      );
      expect(() => adaptNamedToPositional("select :present, :absent_one", { present: 1 }, dialect)).toThrow(
        /:absent_one\b/,
      );
    }
  });

  test("a name bound to undefined counts as missing", () => {
    expect(() =>
      adaptNamedToPositional("select :a", { a: undefined as unknown as SqlParam }, "postgres"),
    ).toThrow(/:a\b/);
  });

  test("inherited properties are not parameters", () => {
    expect(() => adaptNamedToPositional("select :toString", {}, "sqlite")).toThrow(/:toString/);
  });

  test("a name only inside a comment is not required", () => {
    expect(adaptNamedToPositional("select 1 -- :nope", {}, "postgres")).toEqual({
      text: "select 1 -- :nope",
      values: [],
    });
  });

  test("unknown dialect", () => {
    expect(() => adaptNamedToPositional("select :a", { a: 1 }, "mssql" as Dialect)).toThrow(StorageError);
  });
});
