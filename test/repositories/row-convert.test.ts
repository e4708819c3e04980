import { expect, test } from "bun:test";
import { instantOut, jsonArrayOut, toDbInstant } from "../../src/repositories/row-convert.ts";

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
