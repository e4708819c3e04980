/*
 * A read sent again with the same text skips prepareQuery (session.ts #readyToRead): its
 * statement and marker count are cached. These check that the second, third… call of a text
 * still gets every check and conversion the first one got, and still reads big integers exactly.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { SQLiteBackend } from "../../src/backends/sqlite/sqlite-backend.ts";
import type { SqlParam } from "../../src/sql/index.ts";
import { makeTempDir } from "../support/temp-dir.ts";

const dir = makeTempDir("malwar-sqlite-repeated-");
let db: SQLiteBackend;
const ONE = "SELECT id, v, s FROM t WHERE id = ?";
const ALL = "SELECT id, v FROM t WHERE id >= ? ORDER BY id";

beforeAll(async () => {
  db = await SQLiteBackend.open(dir.file("repeated.db"));
  await db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER, s TEXT)");
  await db.executeScript(
    "INSERT INTO t VALUES (1, 7, 'a'); INSERT INTO t VALUES (2, 9007199254740993, 'b');",
  );
  // The first calls cache both statements and their marker counts.
  expect(await db.fetchOne(ONE, [1])).toEqual({ id: 1, v: 7, s: "a" });
  expect(await db.fetchAll(ALL, [1])).toHaveLength(2);
});
afterAll(async () => {
  await db.close();
  dir.cleanup();
});

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

test("a repeated text still has its parameters counted", async () => {
  expect(await codeOf(db.fetchOne(ONE, []))).toBe("PARAM_COUNT");
  expect(await codeOf(db.fetchOne(ONE, [1, 2]))).toBe("PARAM_COUNT");
  expect(await codeOf(db.fetchOne(ONE))).toBe("PARAM_COUNT");
  expect(await codeOf(db.fetchAll(ALL, []))).toBe("PARAM_COUNT");
});

test("a repeated text still has its values checked, never a synchronous throw", async () => {
  const bad: unknown[] = [Number.NaN, undefined, { id: 1 }, Symbol("x")];
  for (const value of bad) {
    const p = db.fetchOne(ONE, [value as SqlParam]);
    expect(p).toBeInstanceOf(Promise);
    expect(await codeOf(p)).toBe("INVALID_PARAMETER");
  }
  expect(await codeOf(db.fetchOne(ONE, "1" as unknown as SqlParam[]))).toBe("INVALID_PARAMETER");
  expect(await codeOf(db.fetchOne(ONE, [2 ** 53 + 2]))).toBe("INTEGER_OUT_OF_RANGE");
  expect(await codeOf(db.fetchOne(ONE, [2n ** 60n]))).toBe("INTEGER_OUT_OF_RANGE");
});

test("a repeated text still converts bigints, booleans and Dates", async () => {
  expect(await db.fetchOne(ONE, [1n])).toEqual({ id: 1, v: 7, s: "a" });
  expect(await db.fetchOne(ONE, [true])).toEqual({ id: 1, v: 7, s: "a" });
  expect(await db.fetchOne<{ d: string }>("SELECT ? AS d", [new Date(0)])).toEqual({
    d: "1970-01-01T00:00:00.000Z",
  });
  expect(await db.fetchOne<{ d: string }>("SELECT ? AS d", [new Date(0)])).toEqual({
    d: "1970-01-01T00:00:00.000Z",
  });
});

test("a repeated read returns integers beyond 2^53 exactly, as bigints", async () => {
  for (let k = 0; k < 3; k++) {
    expect(await db.fetchOne(ONE, [2])).toEqual({ id: 2, v: 9007199254740993n, s: "b" });
    expect(await db.fetchAll(ALL, [1])).toEqual([
      { id: 1, v: 7 },
      { id: 2, v: 9007199254740993n },
    ]);
  }
});

test("a repeated read inside a transaction sees the transaction's own writes", async () => {
  await db
    .transaction(async (tx) => {
      await tx.execute("UPDATE t SET s = 'changed' WHERE id = 1");
      expect(await tx.fetchOne(ONE, [1])).toEqual({ id: 1, v: 7, s: "changed" });
      throw new Error("roll back");
    })
    .catch(() => {});
  expect(await db.fetchOne(ONE, [1])).toEqual({ id: 1, v: 7, s: "a" });
});

test("values go to the driver as one array: bytes, several values, none", async () => {
  for (let k = 0; k < 2; k++) {
    expect(await db.fetchOne("SELECT length(?) AS n", [new Uint8Array([1, 2, 3])])).toEqual({ n: 3 });
    expect(await db.fetchOne("SELECT ? AS a, ? AS b", ["x", null])).toEqual({ a: "x", b: null });
    expect(await db.fetchAll("SELECT id FROM t ORDER BY id")).toEqual([{ id: 1 }, { id: 2 }]);
  }
});
