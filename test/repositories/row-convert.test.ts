import { expect, test } from "bun:test";
import { StorageError } from "../../src/errors/index.ts";
import { instantOut, jsonArrayOut, rowConverter, toDbInstant } from "../../src/repositories/row-convert.ts";
import { thrownBy } from "../support/rejection.ts";

test("stored instants of every known layout read back as ISO-8601 UTC; app instants are written in SQLite's layout", () => {
  expect(instantOut("2024-01-01 10:00:00")).toBe("2024-01-01T10:00:00.000Z");
  expect(instantOut("2024-01-01 10:00:00.123")).toBe("2024-01-01T10:00:00.123Z");
  expect(instantOut("2024-01-01T10:00:00.123Z")).toBe("2024-01-01T10:00:00.123Z");
  expect(instantOut("2024-01-01T10:00:00.123456")).toBe("2024-01-01T10:00:00.123Z");
  expect(instantOut("2024-01-01T10:00:00.1")).toBe("2024-01-01T10:00:00.100Z");
  expect(instantOut("2024-01-01T10:00:00")).toBe("2024-01-01T10:00:00.000Z");
  expect(instantOut("2024-01-01T10:00:00-05:00")).toBe("2024-01-01T15:00:00.000Z");
  expect(instantOut("2024-01-01T10:00:00.123456+00:00")).toBe("2024-01-01T10:00:00.123Z");
  expect(instantOut("2024-01-01 10:00:00.5")).toBe("2024-01-01T10:00:00.500Z");
  // PostgreSQL's `timestamp::text` (lists read created_at so): trailing zeros dropped, up to µs.
  expect(instantOut("2024-01-01 10:00:00.12")).toBe("2024-01-01T10:00:00.120Z");
  expect(instantOut("2024-01-01 10:00:00.1234")).toBe("2024-01-01T10:00:00.123Z");
  expect(instantOut("2024-01-01 10:00:00.123456")).toBe("2024-01-01T10:00:00.123Z");
  expect(instantOut("0099-01-01 10:00:00.9")).toBe("0099-01-01T10:00:00.900Z");
  expect(toDbInstant(new Date("2024-01-01T10:00:00.000Z"))).toBe("2024-01-01 10:00:00");
  expect(toDbInstant(new Date("2024-01-01T10:00:00.010Z"))).toBe("2024-01-01 10:00:00.010");
});

test("JSON list columns decode exactly, whatever the writer's layout", () => {
  const cases: unknown[][] = [
    [],
    [""],
    ["a"],
    ["a", "b", ""],
    ['quote " inside', "back\\slash", "line\nbreak"],
    ["🦀 日本語", "é"],
    ['","', "x"],
    [1, "two", null, { three: 3 }],
  ];
  for (const list of cases) expect(jsonArrayOut(JSON.stringify(list))).toEqual(list);
  // Python's json.dumps puts a space after commas.
  expect(jsonArrayOut('["a", "b"]')).toEqual(["a", "b"]);
  expect(jsonArrayOut(null)).toEqual([]);
  expect(jsonArrayOut("")).toEqual([]);
});

interface Sample {
  id: string;
  note: string | null;
  count: number | null;
  on: boolean;
  at: string;
  seen: string | null;
  tags: string[];
  extra: Record<string, unknown>;
}

const sampleOut = rowConverter<Sample>({
  id: "value",
  note: "nullable",
  count: "number",
  on: "flag",
  at: "instant",
  seen: "nullableInstant",
  tags: "list",
  extra: "object",
});

test("a row converter built from column kinds reads each kind as its own converter does, in declared order", () => {
  expect(sampleOut.columns).toEqual(["id", "note", "count", "on", "at", "seen", "tags", "extra"]);
  const sqliteRow = { id: "a", note: undefined, count: 3n, on: 1, at: "2024-01-01 10:00:00", seen: null };
  const read = sampleOut({ ...sqliteRow, tags: '["x"]', extra: '{"k":1}', ignored: "not handed out" });
  expect(read).toEqual({
    id: "a",
    note: null,
    count: 3,
    on: true,
    at: "2024-01-01T10:00:00.000Z",
    seen: null,
    tags: ["x"],
    extra: { k: 1 },
  });
  expect(Object.keys(read)).toEqual([...sampleOut.columns]);
  const pgRow = { id: "b", note: "n", count: null, on: false, at: new Date("2024-01-01T10:00:00.5Z") };
  expect(sampleOut({ ...pgRow, seen: new Date(0), tags: null, extra: null })).toEqual({
    id: "b",
    note: "n",
    count: null,
    on: false,
    at: "2024-01-01T10:00:00.500Z",
    seen: "1970-01-01T00:00:00.000Z",
    tags: [],
    extra: {},
  });
  expect(thrownBy(() => sampleOut({ ...pgRow, at: null }))).toBeInstanceOf(StorageError);
});

test("a row converter refuses a column name or kind it cannot write out plainly", () => {
  const badName = thrownBy(() => rowConverter<Record<string, unknown>>({ "a-b": "value" }));
  expect(badName).toBeInstanceOf(StorageError);
  expect((badName as Error).message).toContain('"a-b"');
  const badKind = thrownBy(() => rowConverter<{ a: unknown }>({ a: "date" as "value" }));
  expect((badKind as Error).message).toContain('unknown kind "date"');
});

test("a result whose rows are exactly the table's row is converted in place, to what the copy gives, field order kept", () => {
  const driverRows = () => [
    {
      id: "a",
      note: undefined,
      count: 3n,
      on: 1,
      at: "2024-01-01 10:00:00",
      seen: null,
      tags: '["x"]',
      extra: "{}",
    },
    {
      id: "b",
      note: "n",
      count: "7",
      on: 0,
      at: "2024-01-01 10:00:00.5",
      seen: "2024-01-02 00:00:00",
      tags: null,
      extra: '{"k":1}',
    },
    {
      id: "c",
      note: null,
      count: null,
      on: true,
      at: new Date(0),
      seen: new Date(1),
      tags: "[]",
      extra: null,
    },
  ];
  const copies = driverRows().map((r) => sampleOut(r));
  const rows = driverRows();
  const converted = sampleOut.rows(rows);
  expect(converted as unknown).toBe(rows);
  expect(converted).toEqual(copies);
  for (const row of converted) expect(Object.keys(row)).toEqual([...sampleOut.columns]);
  expect(converted[0]?.note).toBeNull();
  expect(sampleOut.rows([])).toEqual([]);
});

test("a result of another shape is copied: an extra column is dropped, a missing one reads as null, order follows the table", () => {
  const pairOut = rowConverter<{ id: string; note: string | null; count: number | null }>({
    id: "value",
    note: "nullable",
    count: "number",
  });
  const shapes: Record<string, Record<string, unknown>[]> = {
    extra: [{ id: "a", note: "n", count: 1, secret: "x" }],
    missing: [{ id: "a", count: 1 }],
    reordered: [{ count: 1, id: "a", note: "n" }],
  };
  for (const [shape, rows] of Object.entries(shapes)) {
    const converted = pairOut.rows(rows);
    expect(converted as unknown, shape).not.toBe(rows);
    expect(Object.keys(converted[0] as object), shape).toEqual(["id", "note", "count"]);
    expect(converted[0]?.note, shape).toBe(shape === "missing" ? null : "n");
  }
});
