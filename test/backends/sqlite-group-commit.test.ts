import { Database } from "bun:sqlite";
import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { statSync } from "node:fs";
import { join } from "node:path";
import { onLocalChange } from "../../src/backends/change-signals.ts";
import { isUniqueViolation } from "../../src/backends/driver-errors.ts";
import { SQLiteBackend } from "../../src/backends/sqlite/sqlite-backend.ts";
import { makeTempDir } from "../support/temp-dir.ts";

// Per file: Bun applies a preload's default timeout to the first file only (oven-sh/bun#43787).
setDefaultTimeout(60_000);

const dir = makeTempDir("malwar-group-");
afterAll(() => dir.cleanup());
let fileCounter = 0;
const freshFile = () => dir.file(`group-${++fileCounter}.db`);

async function withTable<T>(fn: (db: SQLiteBackend, path: string) => Promise<T>): Promise<T> {
  const path = freshFile();
  const db = await SQLiteBackend.open(path);
  try {
    await db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, who TEXT NOT NULL)");
    return await fn(db, path);
  } finally {
    await db.close();
  }
}

async function ids(db: SQLiteBackend): Promise<number[]> {
  return (await db.fetchAll<{ id: number }>("SELECT id FROM t ORDER BY id")).map((r) => r.id);
}

async function outcome(promise: Promise<unknown>): Promise<"ok" | unknown> {
  try {
    await promise;
    return "ok";
  } catch (error) {
    return error;
  }
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe("SQLiteBackend: group commit", () => {
  test("concurrent transactions share one COMMIT, and none is answered before it", async () => {
    await withTable(async (db, path) => {
      // A second connection, read synchronously the moment each caller hears back.
      const reader = new Database(path, { readonly: true });
      const visible = () => (reader.query("SELECT COUNT(*) AS n FROM t").get() as { n: number }).n;
      const seenAtAnswer: number[] = [];
      try {
        await Promise.all(
          range(20).map((i) =>
            db
              .transaction(async (tx) => {
                await tx.execute("INSERT INTO t (id, who) VALUES (?, ?)", [i, `caller ${i}`]);
                await tx.execute("INSERT INTO t (id, who) VALUES (?, ?)", [100 + i, `caller ${i}`]);
              })
              .then(() => seenAtAnswer.push(visible())),
          ),
        );
      } finally {
        reader.close();
      }
      // Every caller's rows were committed (and visible elsewhere) before any was answered.
      expect(seenAtAnswer).toEqual(range(20).map(() => 40));
    });
  });

  test("one caller's failure rolls back only its own work", async () => {
    await withTable(async (db) => {
      await db.execute("INSERT INTO t (id, who) VALUES (999, 'before')");
      const results = await Promise.all(
        range(10).map((i) =>
          outcome(
            db.transaction(async (tx) => {
              await tx.execute("INSERT INTO t (id, who) VALUES (?, ?)", [i, `caller ${i}`]);
              if (i === 3) throw new Error("caller 3 gives up");
              // Caller 6 collides with an existing row: a driver error, not a thrown one.
              await tx.execute("INSERT INTO t (id, who) VALUES (?, ?)", [
                i === 6 ? 999 : 100 + i,
                `caller ${i}`,
              ]);
            }),
          ),
        ),
      );
      expect((results[3] as Error).message).toBe("caller 3 gives up");
      expect(isUniqueViolation(results[6])).toBe(true);
      expect(results.filter((r) => r === "ok")).toHaveLength(8);
      const kept = range(10).filter((i) => i !== 3 && i !== 6);
      expect(await ids(db)).toEqual([...kept, ...kept.map((i) => 100 + i), 999].sort((a, b) => a - b));
    });
  });

  test("a failing first caller takes nobody down with it", async () => {
    await withTable(async (db) => {
      const first = outcome(
        db.transaction(async (tx) => {
          await tx.execute("INSERT INTO t (id, who) VALUES (1, 'first')");
          throw new Error("first fails");
        }),
      );
      const others = range(5).map((i) =>
        outcome(db.execute("INSERT INTO t (id, who) VALUES (?, 'other')", [10 + i])),
      );
      expect(((await first) as Error).message).toBe("first fails");
      expect(await Promise.all(others)).toEqual(range(5).map(() => "ok"));
      expect(await ids(db)).toEqual([10, 11, 12, 13, 14]);
    });
  });

  test("single statements from concurrent callers: a duplicate fails alone", async () => {
    await withTable(async (db) => {
      const results = await Promise.all(
        range(20).map((i) =>
          outcome(db.execute("INSERT INTO t (id, who) VALUES (?, ?)", [i === 7 ? 3 : i, "x"])),
        ),
      );
      expect(isUniqueViolation(results[7])).toBe(true);
      expect(results.filter((r) => r === "ok")).toHaveLength(19);
      expect(await ids(db)).toEqual(range(20).filter((i) => i !== 7));
    });
  });

  test("executeMany from concurrent callers: all rows or none, each on its own", async () => {
    await withTable(async (db) => {
      const results = await Promise.all(
        range(6).map((i) =>
          outcome(
            db.executeMany("INSERT INTO t (id, who) VALUES (?, ?)", [
              [i * 10, "a"],
              [i === 2 ? 0 : i * 10 + 1, "b"],
            ]),
          ),
        ),
      );
      expect(isUniqueViolation(results[2])).toBe(true);
      expect(await ids(db)).toEqual([0, 1, 10, 11, 30, 31, 40, 41, 50, 51]);
    });
  });

  test("a nested transaction inside a grouped caller rolls back alone", async () => {
    await withTable(async (db) => {
      await Promise.all([
        db.transaction(async (tx) => {
          await tx.execute("INSERT INTO t (id, who) VALUES (1, 'outer')");
          const inner = await outcome(
            tx.transaction(async (sp) => {
              await sp.execute("INSERT INTO t (id, who) VALUES (2, 'inner')");
              throw new Error("inner fails");
            }),
          );
          expect((inner as Error).message).toBe("inner fails");
          await tx.execute("INSERT INTO t (id, who) VALUES (3, 'outer again')");
        }),
        db.execute("INSERT INTO t (id, who) VALUES (4, 'neighbour')"),
      ]);
      expect(await ids(db)).toEqual([1, 3, 4]);
    });
  });

  test("a COMMIT that fails fails every caller it held, and stores none of them", async () => {
    const path = freshFile();
    const db = await SQLiteBackend.open(path);
    try {
      await db.executeScript(`CREATE TABLE parent (id INTEGER PRIMARY KEY);
        CREATE TABLE child (id INTEGER PRIMARY KEY,
          parent_id INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED)`);
      // A deferred foreign key is only checked at COMMIT: the one failure a savepoint cannot catch.
      const results = await Promise.all(
        range(5).map((i) =>
          outcome(
            db.execute("INSERT INTO child (id, parent_id) VALUES (?, ?)", [
              i,
              i === 0 ? null : i === 2 ? 42 : null,
            ]),
          ),
        ),
      );
      expect(results.every((r) => r !== "ok")).toBe(true);
      expect(await db.fetchAll("SELECT id FROM child")).toEqual([]);
      // The next writers get a transaction of their own.
      await db.execute("INSERT INTO child (id, parent_id) VALUES (10, NULL)");
      expect(await db.fetchAll("SELECT id FROM child")).toEqual([{ id: 10 }]);
    } finally {
      await db.close();
    }
  });

  test("a grouped caller's change signal is heard after the shared COMMIT, a rolled-back one's never", async () => {
    await withTable(async (db, path) => {
      const reader = new Database(path, { readonly: true });
      const heard: { channel: string; rows: number }[] = [];
      const stops = ["kept", "dropped"].map((channel) =>
        onLocalChange(channel, () =>
          heard.push({
            channel,
            rows: (reader.query("SELECT COUNT(*) AS n FROM t").get() as { n: number }).n,
          }),
        ),
      );
      try {
        await Promise.all([
          db.execute("INSERT INTO t (id, who) VALUES (1, 'first')"),
          db.transaction(async (tx) => {
            await tx.execute("INSERT INTO t (id, who) VALUES (2, 'kept')");
            await tx.signalChange("kept");
          }),
          outcome(
            db.transaction(async (tx) => {
              await tx.execute("INSERT INTO t (id, who) VALUES (3, 'dropped')");
              await tx.signalChange("dropped");
              throw new Error("rolled back");
            }),
          ),
        ]);
      } finally {
        for (const stop of stops) stop();
        reader.close();
      }
      expect(heard).toEqual([{ channel: "kept", rows: 2 }]);
    });
  });

  test("reads issued while writers are being served see only committed rows", async () => {
    await withTable(async (db) => {
      const writes = range(10).map((i) => db.execute("INSERT INTO t (id, who) VALUES (?, 'w')", [i]));
      const read = db.fetchOne<{ n: number }>("SELECT COUNT(*) AS n FROM t");
      await Promise.all(writes);
      expect((await read)?.n).toBe(10);
    });
  });

  test("groupCommit: false gives each caller its own transaction", async () => {
    const path = freshFile();
    const db = await SQLiteBackend.open(path, { groupCommit: false });
    const reader = new Database(path, { create: false });
    try {
      await db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, who TEXT NOT NULL)");
      const seen: number[] = [];
      await Promise.all(
        range(5).map((i) =>
          db
            .transaction((tx) => tx.execute("INSERT INTO t (id, who) VALUES (?, 'x')", [i]))
            .then(() => seen.push((reader.query("SELECT COUNT(*) AS n FROM t").get() as { n: number }).n)),
        ),
      );
      expect(seen).toEqual([1, 2, 3, 4, 5]);
    } finally {
      reader.close();
      await db.close();
    }
  });
});

describe("SQLiteBackend: an acknowledged write survives kill -9", () => {
  test("every write a child process was answered for is in the file after SIGKILL", async () => {
    const path = freshFile();
    const child = Bun.spawn([process.execPath, join(import.meta.dir, "group-commit-kill.child.ts"), path], {
      stdout: "pipe",
      stderr: "pipe",
    });
    const acked: number[] = [];
    const decoder = new TextDecoder();
    let buffer = "";
    for await (const chunk of child.stdout) {
      buffer += decoder.decode(chunk, { stream: true });
      const lines = buffer.split("\n");
      buffer = lines.pop() ?? "";
      for (const line of lines) if (line.startsWith("acked ")) acked.push(Number(line.slice(6)));
      // Killed the moment it has answered a few hundred writes, with more still in flight.
      if (acked.length >= 300) {
        child.kill("SIGKILL");
        break;
      }
    }
    await child.exited;
    expect(child.signalCode).toBe("SIGKILL");
    const db = await SQLiteBackend.open(path);
    try {
      const stored = new Set((await db.fetchAll<{ id: number }>("SELECT id FROM acked")).map((r) => r.id));
      expect(acked.filter((id) => !stored.has(id))).toEqual([]);
      expect(acked.length).toBeGreaterThanOrEqual(300);
    } finally {
      await db.close();
    }
  });
});

describe("SQLiteBackend: checkpoints on a worker thread", () => {
  test("the backend's connection does not checkpoint; the worker does, and close leaves no -wal", async () => {
    const path = freshFile();
    const db = await SQLiteBackend.open(path);
    try {
      expect(await db.fetchOne("PRAGMA wal_autocheckpoint")).toEqual({ wal_autocheckpoint: 0 });
      await db.execute("CREATE TABLE blob (id INTEGER PRIMARY KEY, body TEXT)");
      const before = statSync(path).size;
      for (let i = 0; i < 50; i++) await db.execute("INSERT INTO blob (body) VALUES (?)", ["x".repeat(8000)]);
      // Pages reach the database file only through a checkpoint, which only the worker runs.
      const deadline = Date.now() + 5_000;
      while (statSync(path).size <= before && Date.now() < deadline) await Bun.sleep(20);
      expect(statSync(path).size).toBeGreaterThan(before + 50 * 4096);
    } finally {
      await db.close();
    }
    expect(await Bun.file(`${path}-wal`).exists()).toBe(false);
    expect(await Bun.file(`${path}-shm`).exists()).toBe(false);
  });

  test('checkpoints: "inline" keeps SQLite\'s own automatic checkpoint', async () => {
    const db = await SQLiteBackend.open(freshFile(), { checkpoints: "inline" });
    try {
      expect(await db.fetchOne("PRAGMA wal_autocheckpoint")).toEqual({ wal_autocheckpoint: 1000 });
    } finally {
      await db.close();
    }
  });
});
