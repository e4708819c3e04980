import { afterAll, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { DatabaseBackend } from "../../src/backends/database-backend.ts";
import { isUniqueViolation } from "../../src/backends/driver-errors.ts";
import { SQLiteBackend } from "../../src/backends/sqlite/sqlite-backend.ts";
import { StorageError } from "../../src/errors/index.ts";
import { sql } from "../../src/sql/index.ts";
import { rejectionOf } from "../support/rejection.ts";
import { makeTempDir } from "../support/temp-dir.ts";

const dir = makeTempDir("malwar-sqlite-");
afterAll(() => dir.cleanup());

const BACKEND_MODULE = join(import.meta.dir, "../../src/backends/sqlite/sqlite-backend.ts");
let fileCounter = 0;
const freshFile = () => dir.file(`db-${++fileCounter}.db`);

async function withBackend<T>(
  fn: (db: SQLiteBackend, path: string) => Promise<T>,
  path = freshFile(),
): Promise<T> {
  const db = await SQLiteBackend.open(path);
  try {
    return await fn(db, path);
  } finally {
    await db.close();
  }
}

async function count(db: DatabaseBackend, table: string): Promise<number> {
  return Number((await db.fetchOne<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`))?.n);
}

const yieldFor = (ms = 10) => new Promise<void>((r) => setTimeout(r, ms));

describe("SQLiteBackend: connection settings", () => {
  test("WAL, foreign keys, a 5 s busy timeout and synchronous=NORMAL by default", async () => {
    await withBackend(async (db) => {
      expect(await db.fetchOne("PRAGMA journal_mode")).toEqual({ journal_mode: "wal" });
      expect(await db.fetchOne("PRAGMA foreign_keys")).toEqual({ foreign_keys: 1 });
      expect(await db.fetchOne("PRAGMA busy_timeout")).toEqual({ timeout: 5000 });
      expect(await db.fetchOne("PRAGMA synchronous")).toEqual({ synchronous: 1 });
      expect(db.backendName).toBe("sqlite");
    });
  });

  test("options choose synchronous=FULL and another busy timeout", async () => {
    const db = await SQLiteBackend.open(freshFile(), { synchronous: "FULL", busyTimeoutMs: 1234 });
    try {
      expect(await db.fetchOne("PRAGMA synchronous")).toEqual({ synchronous: 2 });
      expect(await db.fetchOne("PRAGMA busy_timeout")).toEqual({ timeout: 1234 });
    } finally {
      await db.close();
    }
  });

  test(":memory: works and each one is a private database", async () => {
    const a = await SQLiteBackend.open(":memory:");
    const b = await SQLiteBackend.open(":memory:");
    try {
      expect(await a.fetchOne("PRAGMA journal_mode")).toEqual({ journal_mode: "memory" });
      await a.execute("CREATE TABLE t (id INTEGER PRIMARY KEY)");
      await a.executeMany("INSERT INTO t (id) VALUES (?)", [[1], [2]]);
      await rejectionOf(
        a.transaction(async (tx) => {
          await tx.execute("INSERT INTO t (id) VALUES (?)", [3]);
          throw new Error("undo");
        }),
      );
      expect(await count(a, "t")).toBe(2);
      expect(await rejectionOf(b.fetchAll("SELECT * FROM t"))).toBeInstanceOf(StorageError);
    } finally {
      await a.close();
      await b.close();
    }
  });

  test("an empty path is refused", async () => {
    expect(await rejectionOf(SQLiteBackend.open(""))).toBeInstanceOf(StorageError);
  });

  test("a path in a missing directory is a StorageError with the driver's error as cause", async () => {
    const error = await rejectionOf(SQLiteBackend.open(join(dir.path, "no", "such", "dir", "x.db")));
    expect(error).toBeInstanceOf(StorageError);
    expect((error as StorageError).cause).toBeDefined();
  });
});

describe("SQLiteBackend: values", () => {
  test("a Date is stored as ISO-8601 UTC text, a boolean as 1/0, a Uint8Array as a BLOB", async () => {
    await withBackend(async (db) => {
      await db.execute("CREATE TABLE v (id INTEGER PRIMARY KEY, at TEXT, flag, bytes, n)");
      await db.execute("INSERT INTO v (id, at, flag, bytes, n) VALUES (?, ?, ?, ?, ?)", [
        1,
        new Date(Date.UTC(2024, 1, 29, 23, 59, 58, 123)),
        true,
        new Uint8Array([0, 255]),
        42n,
      ]);
      await db.execute("INSERT INTO v (id, flag) VALUES (?, ?)", [2, false]);
      expect(
        await db.fetchAll(
          "SELECT at, typeof(at) AS at_type, flag, typeof(flag) AS flag_type, typeof(bytes) AS bytes_type, n, typeof(n) AS n_type FROM v ORDER BY id",
        ),
      ).toEqual([
        {
          at: "2024-02-29T23:59:58.123Z",
          at_type: "text",
          flag: 1,
          flag_type: "integer",
          bytes_type: "blob",
          n: 42,
          n_type: "integer",
        },
        {
          at: null,
          at_type: "null",
          flag: 0,
          flag_type: "integer",
          bytes_type: "null",
          n: null,
          n_type: "null",
        },
      ]);
    });
  });

  test("integers beyond ±(2^53 - 1) are refused as parameters before anything is written", async () => {
    await withBackend(async (db) => {
      await db.execute("CREATE TABLE big (id INTEGER PRIMARY KEY, v INTEGER)");
      for (const bad of [2n ** 53n, -(2n ** 53n), 2n ** 63n - 1n, 2 ** 53, -(2 ** 53), 1e20]) {
        const error = await rejectionOf(db.execute("INSERT INTO big (id, v) VALUES (?, ?)", [1, bad]));
        expect(error).toBeInstanceOf(StorageError);
        expect((error as StorageError).code).toBe("INTEGER_OUT_OF_RANGE");
      }
      const many = await rejectionOf(
        db.executeMany("INSERT INTO big (id, v) VALUES (?, ?)", [
          [1, 1],
          [2, 2n ** 60n],
        ]),
      );
      expect(many).toBeInstanceOf(StorageError);
      expect(await count(db, "big")).toBe(0);

      await db.execute("INSERT INTO big (id, v) VALUES (?, ?)", [1, BigInt(Number.MAX_SAFE_INTEGER)]);
      await db.execute("INSERT INTO big (id, v) VALUES (?, ?)", [2, -Number.MAX_SAFE_INTEGER]);
      await db.execute("INSERT INTO big (id, v) VALUES (?, ?)", [3, 1.5]);
      expect(await db.fetchAll("SELECT v FROM big ORDER BY id")).toEqual([
        { v: Number.MAX_SAFE_INTEGER },
        { v: -Number.MAX_SAFE_INTEGER },
        { v: 1.5 },
      ]);
    });
  });

  test("integers beyond 2^53 read from the database come back as exact bigints", async () => {
    await withBackend(async (db) => {
      const row = await db.fetchOne<Record<string, unknown>>(
        "SELECT 9223372036854775807 AS max, ? * 4 AS product, ? AS safe",
        [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
      );
      expect(row).toEqual({
        max: 9223372036854775807n,
        product: BigInt(Number.MAX_SAFE_INTEGER) * 4n,
        safe: Number.MAX_SAFE_INTEGER,
      });
    });
  });
});

describe("SQLiteBackend: errors", () => {
  test("SQLite's own code stays reachable next to the generic kind", async () => {
    await withBackend(async (db) => {
      await db.execute("CREATE TABLE u (id INTEGER PRIMARY KEY)");
      await db.execute("INSERT INTO u (id) VALUES (1)");
      const error = (await rejectionOf(db.execute("INSERT INTO u (id) VALUES (1)"))) as StorageError & {
        driverCode?: string;
      };
      expect(error).toBeInstanceOf(StorageError);
      expect(error.name).toBe("StorageError");
      expect(error.code).toBe("UNIQUE_VIOLATION");
      expect(error.driverCode).toBe("SQLITE_CONSTRAINT_PRIMARYKEY");
      expect((error.cause as { code?: string }).code).toBe("SQLITE_CONSTRAINT_PRIMARYKEY");
      expect(isUniqueViolation(error)).toBe(true);
    });
  });
});

describe("SQLiteBackend: transactions on the one connection", () => {
  test("another caller's statements wait for the transaction and are never swept into it", async () => {
    await withBackend(async (db) => {
      await db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, who TEXT)");
      const events: string[] = [];
      let outsideWrite: Promise<unknown> | undefined;
      let outsideRead: Promise<unknown> | undefined;
      const boom = new Error("roll back");
      const error = await rejectionOf(
        db.transaction(async (tx) => {
          await tx.execute("INSERT INTO t (id, who) VALUES (?, ?)", [1, "tx"]);
          outsideWrite = db.execute("INSERT INTO t (id, who) VALUES (?, ?)", [2, "outside"]).then(() => {
            events.push("outside write done");
          });
          outsideRead = db.fetchAll("SELECT id FROM t ORDER BY id");
          await yieldFor(20);
          await tx.execute("INSERT INTO t (id, who) VALUES (?, ?)", [3, "tx"]);
          // Had the write run on the shared connection, it would have finished by now.
          expect(events).toEqual([]);
          expect(db.poolStats()).toEqual({ open: 1, idle: 0, max: 1, waiting: 2 });
          throw boom;
        }),
      );
      expect(error).toBe(boom);
      await outsideWrite;
      // Queued after the write and run after the rollback: it sees the write, none of the tx rows.
      expect(await outsideRead).toEqual([{ id: 2 }]);
      expect(events).toEqual(["outside write done"]);
      expect(await db.fetchAll("SELECT id, who FROM t ORDER BY id")).toEqual([{ id: 2, who: "outside" }]);
      expect(db.poolStats()).toEqual({ open: 1, idle: 1, max: 1, waiting: 0 });
    });
  });

  test("a tx used after its transaction ended is refused instead of running unguarded", async () => {
    await withBackend(async (db) => {
      await db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY)");
      let leaked: DatabaseBackend | undefined;
      await db.transaction(async (tx) => {
        leaked = tx;
      });
      expect(await rejectionOf(leaked!.execute("INSERT INTO t (id) VALUES (1)"))).toBeInstanceOf(
        StorageError,
      );
      await rejectionOf(
        db.transaction(async (tx) => {
          leaked = tx;
          throw new Error("x");
        }),
      );
      expect(await rejectionOf(leaked!.fetchAll("SELECT * FROM t"))).toBeInstanceOf(StorageError);
      expect(await count(db, "t")).toBe(0);
    });
  });

  test("three levels of savepoints roll back independently", async () => {
    await withBackend(async (db) => {
      await db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY)");
      await db.transaction(async (a) => {
        await a.execute("INSERT INTO t (id) VALUES (1)");
        await a.transaction(async (b) => {
          await b.execute("INSERT INTO t (id) VALUES (2)");
          await rejectionOf(
            b.transaction(async (c) => {
              await c.execute("INSERT INTO t (id) VALUES (3)");
              throw new Error("drop level 3");
            }),
          );
          await b.transaction(async (c) => {
            await c.execute("INSERT INTO t (id) VALUES (4)");
          });
        });
      });
      expect(await db.fetchAll("SELECT id FROM t ORDER BY id")).toEqual([{ id: 1 }, { id: 2 }, { id: 4 }]);
    });
  });

  test("a failed executeMany inside a transaction undoes only its own rows", async () => {
    await withBackend(async (db) => {
      await db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY)");
      await db.transaction(async (tx) => {
        await tx.execute("INSERT INTO t (id) VALUES (1)");
        const error = await rejectionOf(tx.executeMany("INSERT INTO t (id) VALUES (?)", [[2], [3], [1]]));
        expect(isUniqueViolation(error)).toBe(true);
        await tx.executeMany("INSERT INTO t (id) VALUES (?)", [[5], [6]]);
      });
      expect(await db.fetchAll("SELECT id FROM t ORDER BY id")).toEqual([{ id: 1 }, { id: 5 }, { id: 6 }]);
    });
  });

  test("lockForMigration outside a transaction and close() on a tx are refused", async () => {
    await withBackend(async (db) => {
      expect(await rejectionOf(db.lockForMigration())).toBeInstanceOf(StorageError);
      await db.transaction(async (tx) => {
        await tx.lockForMigration();
        expect(await rejectionOf(tx.close())).toBeInstanceOf(StorageError);
      });
      expect(await db.fetchOne("SELECT 1 AS still_open")).toEqual({ still_open: 1 });
    });
  });

  test("busy_timeout lets a write wait for another process's write transaction", async () => {
    const path = freshFile();
    await withBackend(async (db) => {
      await db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY)");
      const child = Bun.spawn(
        [
          process.execPath,
          "-e",
          `import { SQLiteBackend } from ${JSON.stringify(BACKEND_MODULE)};
           const db = await SQLiteBackend.open(${JSON.stringify(path)});
           await db.transaction(async (tx) => {
             await tx.execute("INSERT INTO t (id) VALUES (1)");
             console.log("locked");
             await Bun.sleep(300);
           });
           await db.close();`,
        ],
        { stdout: "pipe", stderr: "inherit" },
      );
      const reader = child.stdout.getReader();
      let seen = "";
      while (!seen.includes("locked")) {
        const { value, done } = await reader.read();
        if (done) break;
        seen += new TextDecoder().decode(value);
      }
      expect(seen).toContain("locked");
      // The child holds the write lock now; without busy_timeout this fails with SQLITE_BUSY.
      await db.execute("INSERT INTO t (id) VALUES (2)");
      expect(await child.exited).toBe(0);
      expect(await db.fetchAll("SELECT id FROM t ORDER BY id")).toEqual([{ id: 1 }, { id: 2 }]);
    }, path);
  });
});

describe("SQLiteBackend: close", () => {
  test("leaves no -wal or -shm file, even after statements were evicted from the cache", async () => {
    const path = freshFile();
    const db = await SQLiteBackend.open(path, { statementCacheSize: 2 });
    await db.executeScript("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); CREATE INDEX t_v ON t (v);");
    for (let round = 0; round < 3; round++) {
      for (let k = 0; k < 6; k++) {
        await db.execute(`INSERT INTO t (id, v) VALUES (?, 'q${k}')`, [round * 10 + k]);
        expect(await db.fetchOne(`SELECT v FROM t WHERE id = ? AND ${k} = ${k}`, [round * 10 + k])).toEqual({
          v: `q${k}`,
        });
      }
    }
    await db.executeMany("INSERT INTO t (id, v) VALUES (?, ?)", [
      [100, "a"],
      [101, "b"],
    ]);
    await db.transaction(async (tx) => {
      await tx.execute(sql`UPDATE t SET v = ${"z"} WHERE id = ${100}`);
    });
    expect(await count(db, "t")).toBe(20);
    // Proves the check below can see the files at all.
    expect(existsSync(`${path}-wal`)).toBe(true);
    expect(existsSync(`${path}-shm`)).toBe(true);
    await db.close();
    expect(existsSync(path)).toBe(true);
    expect(existsSync(`${path}-wal`)).toBe(false);
    expect(existsSync(`${path}-shm`)).toBe(false);
    expect(db.poolStats()).toEqual({ open: 0, idle: 0, max: 1, waiting: 0 });
  });

  test("work queued before close() finishes; work asked for after close() is refused", async () => {
    const path = freshFile();
    const db = await SQLiteBackend.open(path);
    await db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY)");
    const tx = db.transaction(async (inner) => {
      await yieldFor(10);
      await inner.execute("INSERT INTO t (id) VALUES (1)");
    });
    const queued = db.execute("INSERT INTO t (id) VALUES (2)");
    const closing = db.close();
    const late = db.execute("INSERT INTO t (id) VALUES (3)");
    await tx;
    await queued;
    await closing;
    expect(await rejectionOf(late)).toBeInstanceOf(StorageError);
    await withBackend(async (again) => {
      expect(await again.fetchAll("SELECT id FROM t ORDER BY id")).toEqual([{ id: 1 }, { id: 2 }]);
    }, path);
  });
});

describe("SQLiteBackend: several processes opening a fresh file at once", () => {
  test("open retries journal_mode=WAL while another process holds a write lock on a fresh file", async () => {
    const path = freshFile();
    // A plain rollback-journal connection (not our backend) holding a write lock: the state in
    // which SQLite answers journal_mode=WAL with SQLITE_BUSY at once, whatever busy_timeout says.
    const child = Bun.spawn(
      [
        process.execPath,
        "-e",
        `import { Database } from "bun:sqlite";
         const db = new Database(${JSON.stringify(path)});
         db.run("BEGIN IMMEDIATE");
         db.run("CREATE TABLE first (id INTEGER PRIMARY KEY)");
         console.log("locked");
         await Bun.sleep(300);
         db.run("COMMIT");
         db.close();`,
      ],
      { stdout: "pipe", stderr: "inherit" },
    );
    const reader = child.stdout.getReader();
    let seen = "";
    while (!seen.includes("locked")) {
      const { value, done } = await reader.read();
      if (done) break;
      seen += new TextDecoder().decode(value);
    }
    expect(seen).toContain("locked");
    await withBackend(async (db) => {
      expect(await db.fetchOne("PRAGMA journal_mode")).toEqual({ journal_mode: "wal" });
      expect(await db.fetchAll("SELECT * FROM first")).toEqual([]);
    }, path);
    expect(await child.exited).toBe(0);
  });

  test("all of them get WAL mode and write (the journal_mode=WAL retry)", async () => {
    const path = freshFile();
    const processes = 8;
    // A shared start instant makes the processes collide on the fresh file instead of
    // arriving one after another as they finish booting.
    const startAt = Date.now() + 1500;
    const script = `import { SQLiteBackend } from ${JSON.stringify(BACKEND_MODULE)};
      while (Date.now() < ${startAt}) await Bun.sleep(1);
      const db = await SQLiteBackend.open(${JSON.stringify(path)});
      for (let k = 0; k < 5; k++) {
        await db.transaction(async (tx) => {
          await tx.execute("CREATE TABLE IF NOT EXISTS hits (pid INTEGER, k INTEGER, PRIMARY KEY (pid, k))");
          await tx.execute("INSERT INTO hits (pid, k) VALUES (?, ?)", [process.pid, k]);
        });
      }
      const mode = await db.fetchOne("PRAGMA journal_mode");
      await db.close();
      console.log(mode.journal_mode);`;
    const children = Array.from({ length: processes }, () =>
      Bun.spawn([process.execPath, "-e", script], { stdout: "pipe", stderr: "pipe" }),
    );
    const outcomes = await Promise.all(
      children.map(async (child) => ({
        code: await child.exited,
        out: (await new Response(child.stdout).text()).trim(),
        err: (await new Response(child.stderr).text()).trim(),
      })),
    );
    expect(outcomes.filter((o) => o.code !== 0).map((o) => o.err)).toEqual([]);
    expect(outcomes.map((o) => o.out)).toEqual(Array(processes).fill("wal"));
    await withBackend(async (db) => {
      expect(await count(db, "hits")).toBe(processes * 5);
    }, path);
  });
});
