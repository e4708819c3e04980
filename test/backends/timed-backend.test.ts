/** TimedBackend: forwards every member of the contract, and reports each call once it settles. */
import { afterAll, describe, expect, test } from "bun:test";
import { DatabaseBackend } from "../../src/backends/database-backend.ts";
import { SQLiteBackend } from "../../src/backends/sqlite/sqlite-backend.ts";
import { type BackendOperation, TimedBackend } from "../../src/backends/timed-backend.ts";
import { makeTempDir } from "../support/temp-dir.ts";

describe("TimedBackend", () => {
  const dir = makeTempDir("malwar-timed-");
  afterAll(() => dir.cleanup());

  test("overrides every member DatabaseBackend implements itself (one left to the base class would answer for the real backend)", () => {
    // Abstract members are the compiler's to enforce; these are the ones with a default body.
    const members = Object.getOwnPropertyNames(DatabaseBackend.prototype).filter((n) => n !== "constructor");
    expect(members).toEqual(expect.arrayContaining(["watchChanges", "storageStats", "commit"]));
    const own = new Set(Object.getOwnPropertyNames(TimedBackend.prototype));
    expect(members.filter((m) => !own.has(m))).toEqual([]);
  });

  test("times statements, a transaction and the statements inside it; failures are marked", async () => {
    const inner = await SQLiteBackend.open(dir.file("timed.db"));
    const seen: [BackendOperation, boolean][] = [];
    const seconds: number[] = [];
    const db = new TimedBackend(inner, (op, s, failed) => {
      seen.push([op, failed]);
      seconds.push(s);
    });
    try {
      expect(db.backendName).toBe("sqlite");
      await db.executeScript("CREATE TABLE t (id INTEGER PRIMARY KEY)");
      await db.execute("INSERT INTO t (id) VALUES (?)", [1]);
      await db.transaction(async (tx) => {
        expect(tx).toBeInstanceOf(TimedBackend);
        await tx.fetchAll("SELECT id FROM t");
      });
      expect(await db.fetchOne("SELECT id FROM t")).toEqual({ id: 1 });
      await db.executeMany("INSERT INTO t (id) VALUES (?)", [[2], [3]]);
      await expect(db.execute("INSERT INTO t (id) VALUES (?)", [1])).rejects.toThrow();
      await Bun.sleep(0);
      expect(seen).toEqual([
        ["executeScript", false],
        ["execute", false],
        ["fetchAll", false],
        ["transaction", false],
        ["fetchOne", false],
        ["executeMany", false],
        ["execute", true],
      ]);
      expect(seconds.every((s) => s >= 0 && s < 60)).toBe(true);
      expect(db.poolStats()).toEqual(inner.poolStats());
      expect(db.storageStats()).toEqual(inner.storageStats());
      expect(db.storageStats()?.walBytes).toBeGreaterThan(0);
    } finally {
      await db.close();
    }
    // close() went through to the real backend.
    await expect(inner.fetchOne("SELECT 1")).rejects.toThrow(/closed/);
  });

  test("storageStats: null for :memory:", async () => {
    const memory = await SQLiteBackend.open(":memory:");
    try {
      expect(memory.storageStats()).toBeNull();
    } finally {
      await memory.close();
    }
  });
});
