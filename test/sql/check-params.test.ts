/**
 * checkParams: what may reach a driver. Every refusal is a StorageError with a stable code,
 * raised before any database sees the query.
 */
import { describe, expect, test } from "bun:test";
import { StorageError } from "../../src/errors/index.ts";
import { checkParams } from "../../src/sql/index.ts";

function refusal(values: unknown, expected?: number): StorageError {
  try {
    checkParams(values as unknown[], expected);
  } catch (e) {
    if (e instanceof StorageError) return e;
    throw e;
  }
  throw new Error("checkParams accepted it");
}

describe("checkParams accepts", () => {
  const accepted: [string, unknown[]][] = [
    ["nothing", []],
    ["string, number, bigint, boolean, null", ["", 0, -1.5, 2n ** 70n, false, true, null]],
    ["Date and Uint8Array (and a Buffer, which is one)", [new Date(0), new Uint8Array(0), Buffer.from("x")]],
    ["infinities (both databases store them as floats)", [Number.POSITIVE_INFINITY]],
  ];
  for (const [name, values] of accepted) {
    test(name, () => {
      expect(() => checkParams(values, values.length)).not.toThrow();
      expect(() => checkParams(values)).not.toThrow();
    });
  }
});

describe("checkParams refuses", () => {
  const refused: [string, unknown[], RegExp][] = [
    ["undefined", [1, undefined], /Parameter 2 is undefined/],
    ["a plain object", [{ a: 1 }], /Parameter 1 is a plain object/],
    ["an object without prototype", [Object.create(null)], /plain object/],
    ["an array", [[1, 2]], /array.*sql\.list/],
    ["NaN", [Number.NaN], /NaN/],
    ["an invalid Date", [new Date("nope")], /invalid Date/],
    ["a Map, named by its class", [new Map()], /is a Map/],
    ["a function", [() => 1], /function/],
    ["a symbol", [Symbol("s")], /symbol/],
  ];
  for (const [name, values, message] of refused) {
    test(name, () => {
      const e = refusal(values);
      expect(e.code).toBe("INVALID_PARAMETER");
      expect(e.message).toMatch(message);
    });
  }

  test("a count that differs from the markers, either way", () => {
    const tooFew = refusal([1], 2);
    expect(tooFew.code).toBe("PARAM_COUNT");
    expect(tooFew.message).toMatch(/2 parameter markers but 1 parameter was given/);
    const tooMany = refusal([1, 2], 1);
    expect(tooMany.code).toBe("PARAM_COUNT");
    expect(tooMany.message).toMatch(/1 parameter marker but 2 parameters were given/);
    expect(refusal([null], 0).code).toBe("PARAM_COUNT");
  });

  test("params that are not an array", () => {
    expect(refusal({ a: 1 }).code).toBe("INVALID_PARAMETER");
  });
});
