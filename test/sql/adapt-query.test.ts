/**
 * adaptQuery / scanMarkers: `?` becomes `$n` on PostgreSQL except where the text is not code.
 * Each case gives the input once and the expected text and marker count per dialect. SQLite text
 * always comes back unchanged; its marker count still has to skip the protected places, which
 * differ between the dialects (nested comments, E'' strings and $$ bodies are PostgreSQL's).
 */
import { describe, expect, test } from "bun:test";
import { StorageError } from "../../src/errors/index.ts";
import { adaptQuery, type Dialect, scanMarkers } from "../../src/sql/index.ts";

interface AdaptCase {
  name: string;
  input: string;
  postgres: string;
  /** Real markers on each side; one number when both agree. */
  markers: number | { sqlite: number; postgres: number };
}

const cases: AdaptCase[] = [
  { name: "no markers", input: "select 1", postgres: "select 1", markers: 0 },
  { name: "markers numbered in order", input: "a = ? and b = ?", postgres: "a = $1 and b = $2", markers: 2 },
  { name: "marker at start and end", input: "?,?", postgres: "$1,$2", markers: 2 },
  { name: "marker before a cast", input: "select ?::int", postgres: "select $1::int", markers: 1 },
  { name: "marker glued to a literal", input: "select 'a'?", postgres: "select 'a'$1", markers: 1 },
  {
    name: "string literal with a ? and a doubled quote",
    input: "select 'it''s ?', ?",
    postgres: "select 'it''s ?', $1",
    markers: 1,
  },
  { name: "empty string literal", input: "select '', ?", postgres: "select '', $1", markers: 1 },
  { name: "doubled quote only", input: "select '''', ?", postgres: "select '''', $1", markers: 1 },
  {
    name: "E'' string with \\' (PostgreSQL escape; on SQLite the string ends at the backslash's quote)",
    input: "select E'it\\'s ?', ?",
    postgres: "select E'it\\'s ?', $1",
    // SQLite: 'it\' is a whole literal, then `s ?` is code, then `', ?` an unterminated literal.
    markers: { sqlite: 1, postgres: 1 },
  },
  {
    name: "e'' lower case with an escaped backslash before the closing quote",
    input: "select e'\\\\', ?",
    postgres: "select e'\\\\', $1",
    markers: 1,
  },
  {
    name: "E'' with a doubled quote and a ?",
    input: "select E'a''?\\'?', ?",
    postgres: "select E'a''?\\'?', $1",
    // SQLite: 'a''?\' is the literal, the ? after it a marker, then an unterminated literal.
    markers: 1,
  },
  {
    name: "a backslash in a standard string escapes nothing",
    input: "select 'C:\\', ?",
    postgres: "select 'C:\\', $1",
    markers: 1,
  },
  {
    name: "a word ending in E before a quote is not an E'' prefix",
    input: "select date'2024-01-01', 'x\\', ?",
    postgres: "select date'2024-01-01', 'x\\', $1",
    markers: 1,
  },
  {
    name: "double-quoted identifier with ? and doubled quote",
    input: 'select "a?""b", ?',
    postgres: 'select "a?""b", $1',
    markers: 1,
  },
  {
    name: "-- comment runs to the end of the line",
    input: "select ? -- what? why?\n, ?",
    postgres: "select $1 -- what? why?\n, $2",
    markers: 2,
  },
  {
    name: "-- comment at the end of the text",
    input: "select ? -- trailing ?",
    postgres: "select $1 -- trailing ?",
    markers: 1,
  },
  {
    name: "-- comment ended by a lone CR on PostgreSQL only",
    input: "select 1 -- c\r, ?",
    postgres: "select 1 -- c\r, $1",
    markers: { sqlite: 0, postgres: 1 },
  },
  { name: "a single dash is code", input: "select 1-?", postgres: "select 1-$1", markers: 1 },
  {
    name: "block comment",
    input: "select /* ? */ ?",
    postgres: "select /* ? */ $1",
    markers: 1,
  },
  {
    name: "nested block comments (PostgreSQL nests, SQLite does not)",
    input: "/* a /* b? */ c? */ ?",
    postgres: "/* a /* b? */ c? */ $1",
    markers: { sqlite: 2, postgres: 1 },
  },
  {
    name: "a -- inside a block comment does not hide what follows it",
    input: "/* -- */ ?",
    postgres: "/* -- */ $1",
    markers: 1,
  },
  {
    name: "a /* inside a line comment opens nothing",
    input: "-- /*\n?",
    postgres: "-- /*\n$1",
    markers: 1,
  },
  {
    name: "$$ body",
    input: "do $$ begin perform ?; end $$; select ?",
    postgres: "do $$ begin perform ?; end $$; select $1",
    markers: { sqlite: 2, postgres: 1 },
  },
  {
    name: "$tag$ body holding a $$ and another tag",
    input: "select $fn$ ? $$ ? $$ $x$ ? $fn$, ?",
    postgres: "select $fn$ ? $$ ? $$ $x$ ? $fn$, $1",
    markers: { sqlite: 4, postgres: 1 },
  },
  {
    name: "$tag$ with digits and underscore",
    input: "select $_a1$?$_a1$, ?",
    postgres: "select $_a1$?$_a1$, $1",
    markers: { sqlite: 2, postgres: 1 },
  },
  {
    name: "$1 is a positional marker, not a body opener",
    input: "select $1, ? from t where $2 = 'x'",
    postgres: "select $1, $1 from t where $2 = 'x'",
    markers: 1,
  },
  {
    name: "identifiers containing $ are not body openers",
    input: "select a$b, c$$d, ? from t$1",
    postgres: "select a$b, c$$d, $1 from t$1",
    markers: 1,
  },
  {
    name: "unterminated $$ protects to the end",
    input: "select ?, $$ ?",
    postgres: "select $1, $$ ?",
    markers: { sqlite: 2, postgres: 1 },
  },
  {
    name: "unterminated literal protects to the end",
    input: "select ?, 'oops ?",
    postgres: "select $1, 'oops ?",
    markers: 1,
  },
  {
    name: "backtick identifier (SQLite quoting; code on PostgreSQL)",
    input: "select `a?`, ?",
    postgres: "select `a$1`, $2",
    markers: { sqlite: 1, postgres: 2 },
  },
  {
    name: "[bracket] identifier (SQLite quoting; code on PostgreSQL)",
    input: "select [a?], ?",
    postgres: "select [a$1], $2",
    markers: { sqlite: 1, postgres: 2 },
  },
  {
    name: "?? is a literal ? (jsonb key exists)",
    input: "select data ?? 'k', ?",
    postgres: "select data ? 'k', $1",
    markers: 1,
  },
  {
    name: "??| and ??& become the jsonb ?| and ?& operators",
    input: "select data ??| array['a','b'], data ??& array['c'], ?",
    postgres: "select data ?| array['a','b'], data ?& array['c'], $1",
    markers: 1,
  },
  {
    name: "an unescaped ?| is a marker followed by |",
    input: "select ?|| 'x'",
    postgres: "select $1|| 'x'",
    markers: 1,
  },
  {
    name: "??? is a literal ? then a marker",
    input: "select a ??? b",
    postgres: "select a ?$1 b",
    markers: 1,
  },
  {
    name: "????: two literal ?",
    input: "????",
    postgres: "??",
    markers: 0,
  },
  {
    name: "?? inside a literal is left exactly as written",
    input: "select '??', ?",
    postgres: "select '??', $1",
    markers: 1,
  },
  {
    name: "multi-byte text around markers",
    input: "select 'é?ü', \"ñ?\", ? -- 日本?\n, ?",
    postgres: "select 'é?ü', \"ñ?\", $1 -- 日本?\n, $2",
    markers: 2,
  },
  {
    name: "ten and more markers",
    input: "?,?,?,?,?,?,?,?,?,?,?",
    postgres: "$1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11",
    markers: 11,
  },
];

function markersFor(c: AdaptCase, dialect: Dialect): number {
  return typeof c.markers === "number" ? c.markers : c.markers[dialect];
}

describe("adaptQuery per dialect", () => {
  for (const c of cases) {
    test(`${c.name} [sqlite]`, () => {
      expect(adaptQuery(c.input, "sqlite")).toBe(c.input);
      expect(scanMarkers(c.input, "sqlite")).toEqual({ text: c.input, markers: markersFor(c, "sqlite") });
    });
    test(`${c.name} [postgres]`, () => {
      expect(adaptQuery(c.input, "postgres")).toBe(c.postgres);
      expect(scanMarkers(c.input, "postgres")).toEqual({
        text: c.postgres,
        markers: markersFor(c, "postgres"),
      });
    });
  }
});

describe("adaptQuery dialect check", () => {
  for (const bad of ["mysql", "Postgres", "", undefined, null, 1]) {
    test(`refuses ${JSON.stringify(bad)}`, () => {
      expect(() => adaptQuery("select ?", bad as Dialect)).toThrow(StorageError);
      // Text with no marker takes a fast path: it must still refuse.
      expect(() => adaptQuery("select 1", bad as Dialect)).toThrow(StorageError);
      expect(() => scanMarkers("select 1", bad as Dialect)).toThrow(/dialect/);
    });
  }

  test("the error carries a stable code", () => {
    try {
      adaptQuery("?", "oracle" as Dialect);
      throw new Error("did not throw");
    } catch (e) {
      expect(e).toBeInstanceOf(StorageError);
      expect((e as StorageError).code).toBe("UNKNOWN_DIALECT");
    }
  });
});
