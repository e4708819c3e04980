/**
 * The `sql` tag and its helpers, rendered for both dialects. Each case states the SQLite and
 * PostgreSQL text side by side with the values they share.
 */
import { describe, expect, test } from "bun:test";
import { StorageError } from "../../src/errors/index.ts";
import { type Dialect, renderQuery, SqlQuery, sql } from "../../src/sql/index.ts";

interface RenderCase {
  name: string;
  build: () => SqlQuery;
  sqlite: string;
  postgres: string;
  values: unknown[];
}

const DIALECTS: readonly Dialect[] = ["sqlite", "postgres"];
const when = new Date("2024-05-06T07:08:09.000Z");
const bytes = new Uint8Array([1, 2, 3]);

const cases: RenderCase[] = [
  {
    name: "no values",
    build: () => sql`select 1`,
    sqlite: "select 1",
    postgres: "select 1",
    values: [],
  },
  {
    name: "each interpolated value is a parameter, never text",
    build: () => sql`select * from t where a = ${"x'; drop table t; --"} and b = ${2}`,
    sqlite: "select * from t where a = ? and b = ?",
    postgres: "select * from t where a = $1 and b = $2",
    values: ["x'; drop table t; --", 2],
  },
  {
    name: "every parameter type passes through as given",
    build: () => sql`values (${null}, ${true}, ${1.5}, ${9007199254740993n}, ${when}, ${bytes})`,
    sqlite: "values (?, ?, ?, ?, ?, ?)",
    postgres: "values ($1, $2, $3, $4, $5, $6)",
    values: [null, true, 1.5, 9007199254740993n, when, bytes],
  },
  {
    name: "adjacent values",
    build: () => sql`${1}${2}`,
    sqlite: "??",
    postgres: "$1$2",
    values: [1, 2],
  },
  {
    name: "a nested query is inlined with its parameters, numbered in order",
    build: () => {
      const cond = sql`b = ${2} and c = ${3}`;
      return sql`select ${1} from t where ${cond} and d = ${4}`;
    },
    sqlite: "select ? from t where b = ? and c = ? and d = ?",
    postgres: "select $1 from t where b = $2 and c = $3 and d = $4",
    values: [1, 2, 3, 4],
  },
  {
    name: "nesting three deep, with a fragment that has no values",
    build: () => {
      const inner = sql`x = ${"i"}`;
      const middle = sql`(${inner} or ${sql`y is null`})`;
      return sql`select ${0} where ${middle} and z = ${"z"}`;
    },
    sqlite: "select ? where (x = ? or y is null) and z = ?",
    postgres: "select $1 where (x = $2 or y is null) and z = $3",
    values: [0, "i", "z"],
  },
  {
    name: "a fragment at the very start and end",
    build: () => sql`${sql`select ${1}`}${sql` from t where a = ${2}`}`,
    sqlite: "select ? from t where a = ?",
    postgres: "select $1 from t where a = $2",
    values: [1, 2],
  },
  {
    name: "the same fragment used twice passes its values twice",
    build: () => {
      const f = sql`v = ${7}`;
      return sql`${f} or ${f}`;
    },
    sqlite: "v = ? or v = ?",
    postgres: "v = $1 or v = $2",
    values: [7, 7],
  },
  {
    name: "join: default separator is raw ', '",
    build: () => sql`select ${sql.join([sql`a`, sql`b`, 3])}`,
    sqlite: "select a, b, ?",
    postgres: "select a, b, $1",
    values: [3],
  },
  {
    name: "join: a string separator is raw text, not a parameter",
    build: () => sql`where ${sql.join([sql`a = ${1}`, sql`b = ${2}`], " and ")}`,
    sqlite: "where a = ? and b = ?",
    postgres: "where a = $1 and b = $2",
    values: [1, 2],
  },
  {
    name: "join: a SqlQuery separator with a value repeats it between parts",
    build: () => sql.join([sql`a`, sql`b`, sql`c`], sql` || ${"-"} || `),
    sqlite: "a || ? || b || ? || c",
    postgres: "a || $1 || b || $2 || c",
    values: ["-", "-"],
  },
  {
    name: "join: one part, no separator",
    build: () => sql.join([sql`only = ${1}`], " and "),
    sqlite: "only = ?",
    postgres: "only = $1",
    values: [1],
  },
  {
    name: "join: no parts is empty text",
    build: () => sql`select 1${sql.join([])}`,
    sqlite: "select 1",
    postgres: "select 1",
    values: [],
  },
  {
    name: "join: plain values become parameters",
    build: () => sql`values (${sql.join(["a", 2, null])})`,
    sqlite: "values (?, ?, ?)",
    postgres: "values ($1, $2, $3)",
    values: ["a", 2, null],
  },
  {
    name: "ident quotes the name",
    build: () => sql`select ${sql.ident("skill_name")} from ${sql.ident("scans")}`,
    sqlite: 'select "skill_name" from "scans"',
    postgres: 'select "skill_name" from "scans"',
    values: [],
  },
  {
    name: "ident doubles an embedded double quote",
    build: () => sql`select ${sql.ident('we"ird')}, ${sql.ident('"')}`,
    sqlite: 'select "we""ird", """"',
    postgres: 'select "we""ird", """"',
    values: [],
  },
  {
    name: "ident keeps a ? inside the quotes and adds no parameter",
    build: () => sql`select ${sql.ident("a?b")} from t where x = ${1}`,
    sqlite: 'select "a?b" from t where x = ?',
    postgres: 'select "a?b" from t where x = $1',
    values: [1],
  },
  {
    name: "list: one marker per value",
    build: () => sql`where id in (${sql.list([1, 2, 3])}) and k = ${"k"}`,
    sqlite: "where id in (?, ?, ?) and k = ?",
    postgres: "where id in ($1, $2, $3) and k = $4",
    values: [1, 2, 3, "k"],
  },
  {
    name: "list: a single value",
    build: () => sql`in (${sql.list(["x"])})`,
    sqlite: "in (?)",
    postgres: "in ($1)",
    values: ["x"],
  },
  {
    name: "list: nested fragments inside a list",
    build: () => sql`in (${sql.list([sql`lower(${"A"})`, "b"])})`,
    sqlite: "in (lower(?), ?)",
    postgres: "in (lower($1), $2)",
    values: ["A", "b"],
  },
  {
    name: "unsafe splices raw text",
    build: () => sql`select * from t order by ${sql.unsafe("created_at desc")} limit ${10}`,
    sqlite: "select * from t order by created_at desc limit ?",
    postgres: "select * from t order by created_at desc limit $1",
    values: [10],
  },
  {
    name: "unsafe text alone",
    build: () => sql.unsafe("vacuum"),
    sqlite: "vacuum",
    postgres: "vacuum",
    values: [],
  },
  {
    name: "a ? written in the template text is text: the tag only numbers interpolations",
    build: () => sql`select data ? 'k', data ->> ${"k"}`,
    sqlite: "select data ? 'k', data ->> ?",
    postgres: "select data ? 'k', data ->> $1",
    values: ["k"],
  },
];

describe("sql tag rendered per dialect", () => {
  for (const c of cases) {
    for (const dialect of DIALECTS) {
      test(`${c.name} [${dialect}]`, () => {
        const rendered = renderQuery(c.build(), dialect);
        expect(rendered.text).toBe(c[dialect]);
        expect(rendered.values).toEqual(c.values as never[]);
      });
    }
  }
});

describe("SqlQuery shape", () => {
  test("nested queries are flattened: no value is ever a SqlQuery", () => {
    const q = sql`a ${sql`b ${sql`c ${1}`} ${2}`} ${3}`;
    expect(q.values).toEqual([1, 2, 3]);
    expect(q.strings.length).toBe(q.values.length + 1);
    for (const v of q.values) expect(v).not.toBeInstanceOf(SqlQuery);
  });

  test("interpolated values keep their identity (Date, Uint8Array are not copied or coerced)", () => {
    const q = sql`${when} ${bytes}`;
    expect(q.values[0]).toBe(when);
    expect(q.values[1]).toBe(bytes);
  });

  test("rendering returns a copy of the values: changing it does not change the query", () => {
    const q = sql`select ${1}, ${2}`;
    const first = renderQuery(q, "postgres");
    first.values[0] = 99;
    expect(renderQuery(q, "postgres").values).toEqual([1, 2]);
    expect(q.values).toEqual([1, 2]);
  });

  test("the same call site renders the same text with fresh values each call", () => {
    const render = (v: number, d: Dialect) => renderQuery(sql`select ${v}`, d);
    expect(render(1, "postgres")).toEqual({ text: "select $1", values: [1] });
    expect(render(2, "postgres")).toEqual({ text: "select $1", values: [2] });
    expect(render(3, "sqlite")).toEqual({ text: "select ?", values: [3] });
    expect(render(4, "postgres")).toEqual({ text: "select $1", values: [4] });
  });
});

describe("helper errors", () => {
  test("list of no values is a StorageError", () => {
    expect(() => sql.list([])).toThrow(StorageError);
    expect(() => sql.list([])).toThrow(/at least one value/);
  });

  test("ident refuses an empty name and a NUL", () => {
    expect(() => sql.ident("")).toThrow(StorageError);
    expect(() => sql.ident("a\0b")).toThrow(StorageError);
  });

  test("unsafe refuses a non-string", () => {
    expect(() => sql.unsafe(42 as unknown as string)).toThrow(StorageError);
  });

  test("renderQuery refuses an unknown dialect and a non-query", () => {
    expect(() => renderQuery(sql`select 1`, "mysql" as Dialect)).toThrow(StorageError);
    expect(() => renderQuery(sql`select 1`, "mysql" as Dialect)).toThrow(/mysql/);
    expect(() => renderQuery("select 1" as unknown as SqlQuery, "sqlite")).toThrow(TypeError);
  });
});
