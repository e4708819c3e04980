/*
 * SQLite reads plain numbers and steps a read again with bigints only for a row that holds a
 * number beyond ±(2^53 - 1) (sqlite-connection.ts). These pin down each way a row can come back:
 * stored big integers among safe ones, big REALs, text that looks like a number, and writes that
 * return rows. Integers a writer outside the project stored beyond 2^53 must come back exact.
 */
import { afterAll, expect, test } from "bun:test";
import { SQLiteBackend } from "../../src/backends/sqlite/sqlite-backend.ts";
import { makeTempDir } from "../support/temp-dir.ts";

const dir = makeTempDir("malwar-sqlite-integers-");
afterAll(() => dir.cleanup());
let files = 0;

async function withTable<T>(fn: (db: SQLiteBackend) => Promise<T>): Promise<T> {
  const db = await SQLiteBackend.open(dir.file(`int-${++files}.db`));
  try {
    await db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER, r REAL, s TEXT)");
    // Literals: what another writer (not this project, which refuses such parameters) can store.
    await db.executeScript(
      "INSERT INTO t VALUES (1, 7, 1.5, '9007199254740993');" +
        "INSERT INTO t VALUES (2, 9007199254740993, 1e300, 'x');" +
        "INSERT INTO t VALUES (3, -9223372036854775808, -2.5, NULL);",
    );
    return await fn(db);
  } finally {
    await db.close();
  }
}

test("stored integers beyond 2^53 come back exact, the safe ones in the same read as numbers", async () => {
  await withTable(async (db) => {
    expect(await db.fetchAll("SELECT id, v, r, s FROM t ORDER BY id")).toEqual([
      { id: 1, v: 7, r: 1.5, s: "9007199254740993" },
      { id: 2, v: 9007199254740993n, r: 1e300, s: "x" },
      { id: 3, v: -9223372036854775808n, r: -2.5, s: null },
    ]);
    expect(await db.fetchOne("SELECT v FROM t WHERE id = ?", [2])).toEqual({ v: 9007199254740993n });
    // A read whose rows are all safe needs no second step and gives numbers.
    const safe = await db.fetchOne<{ v: unknown }>("SELECT v FROM t WHERE id = ?", [1]);
    expect(typeof safe?.v).toBe("number");
  });
});

test("a huge REAL stays a number; text that looks like a big integer stays text", async () => {
  await withTable(async (db) => {
    const row = await db.fetchOne<{ r: unknown; s: unknown }>("SELECT r, s FROM t WHERE id = ?", [2]);
    expect(row?.r).toBe(1e300);
    const text = await db.fetchOne<{ s: unknown }>("SELECT s FROM t WHERE id = ?", [1]);
    expect(text?.s).toBe("9007199254740993");
  });
});

test("a write that returns rows runs once and returns exact integers", async () => {
  await withTable(async (db) => {
    const row = await db.fetchOne("UPDATE t SET r = r + 1 WHERE id = ? RETURNING id, v, r", [2]);
    expect(row).toEqual({ id: 2, v: 9007199254740993n, r: 1e300 + 1 });
    const inserted = await db.fetchAll(
      "INSERT INTO t (id, v) VALUES (?, ?), (?, ?) RETURNING id, v",
      [4, 5, 5, 6],
    );
    expect(inserted).toEqual([
      { id: 4, v: 5 },
      { id: 5, v: 6 },
    ]);
    // Ran once: one row changed by the UPDATE, two rows added.
    expect(await db.fetchOne("SELECT r FROM t WHERE id = ?", [2])).toEqual({ r: 1e300 + 1 });
    expect(await db.fetchOne("SELECT COUNT(*) AS n FROM t")).toEqual({ n: 5 });
  });
});

test("rows changed are counted as numbers by execute and executeMany", async () => {
  await withTable(async (db) => {
    expect(await db.execute("UPDATE t SET s = ? WHERE id > ?", ["y", 0])).toEqual({ rowCount: 3 });
    expect(
      await db.executeMany("INSERT INTO t (id, v) VALUES (?, ?)", [
        [10, 1],
        [11, 2],
      ]),
    ).toEqual({ rowCount: 2 });
  });
});
