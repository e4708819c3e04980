/**
 * The backend contract (DESIGN.md "Backends"), written once and run against every backend.
 *
 * `open` must return a NEW backend on the SAME database each time it is called: the close tests
 * close one backend and check what it left behind through another. Every test makes its own
 * tables with random names, so suites may share a database and run in any order.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { DatabaseBackend, isForeignKeyViolation, isUniqueViolation } from "../../src/backends/index.ts";
import { StorageError } from "../../src/errors/index.ts";
import { type SqlParam, sql } from "../../src/sql/index.ts";
import { rejectionOf } from "../support/rejection.ts";

interface ColumnTypes {
  int8: string;
  blob: string;
  bool: string;
  instant: string;
  real: string;
}

function columnTypes(db: DatabaseBackend): ColumnTypes {
  return db.backendName === "postgres"
    ? { int8: "BIGINT", blob: "BYTEA", bool: "BOOLEAN", instant: "TIMESTAMPTZ", real: "DOUBLE PRECISION" }
    : { int8: "INTEGER", blob: "BLOB", bool: "INTEGER", instant: "TEXT", real: "REAL" };
}

function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Lets other queued work run; never used to assert on durations. */
const yieldFor = (ms = 10) => new Promise<void>((r) => setTimeout(r, ms));

async function expectStorageError(promise: Promise<unknown>): Promise<StorageError> {
  const error = await rejectionOf(promise);
  expect(error).toBeInstanceOf(StorageError);
  return error as StorageError;
}

function randomName(prefix: string): string {
  return `${prefix}_${Math.random().toString(36).slice(2, 10)}`;
}

/** A value that may be an integer beyond 2^53 must be exact (a bigint), never a rounded number. */
function expectExactInteger(value: unknown, expected: bigint): void {
  if (typeof value === "bigint") {
    expect(value).toBe(expected);
    return;
  }
  expect(typeof value).toBe("number");
  expect(Number.isSafeInteger(value)).toBe(true);
  expect(BigInt(value as number)).toBe(expected);
}

/**
 * Run by test/contract/public-contract.test.ts with the classes src/index.ts exports, once per
 * backend; `name` is the backendName the backend must report.
 */
export function backendContract(
  label: string,
  open: () => Promise<DatabaseBackend>,
  name: DatabaseBackend["backendName"],
): void {
  describe(`${label}: backend contract`, () => {
    let db: DatabaseBackend;
    const created: string[] = [];
    let types: ColumnTypes;

    beforeAll(async () => {
      db = await open();
      types = columnTypes(db);
    });

    afterAll(async () => {
      for (const name of created) await db.execute(`DROP TABLE IF EXISTS ${name}`).catch(() => {});
      await db.close();
    });

    /** Creates a table `(id <int8> PRIMARY KEY, <columns>)` with a random name. */
    async function table(columns = "name TEXT"): Promise<string> {
      const name = randomName("contract");
      await db.execute(`CREATE TABLE ${name} (id ${types.int8} PRIMARY KEY, ${columns})`);
      created.push(name);
      return name;
    }

    async function count(name: string, on: DatabaseBackend = db): Promise<number> {
      const row = await on.fetchOne<{ n: number }>(`SELECT COUNT(*) AS n FROM ${name}`);
      return Number(row?.n);
    }

    describe("identity", () => {
      test("is a DatabaseBackend with the right backendName", () => {
        expect(db).toBeInstanceOf(DatabaseBackend);
        expect(db.backendName).toBe(name);
      });

      test("poolStats reports at least one open connection and never more than max", () => {
        const stats = db.poolStats();
        expect(stats.open).toBeGreaterThanOrEqual(1);
        expect(stats.open).toBeLessThanOrEqual(stats.max);
        expect(stats.idle).toBeGreaterThanOrEqual(0);
        expect(stats.idle).toBeLessThanOrEqual(stats.open);
      });

      test("commit() resolves (both backends auto-commit)", async () => {
        const t = await table();
        await db.execute(`INSERT INTO ${t} (id, name) VALUES (?, ?)`, [1, "a"]);
        await db.commit();
        expect(await count(t)).toBe(1);
      });
    });

    describe("queries", () => {
      test("execute and fetchAll with ? markers return plain objects in a plain array", async () => {
        const t = await table("name TEXT, score INTEGER");
        await db.execute(`INSERT INTO ${t} (id, name, score) VALUES (?, ?, ?)`, [1, "alpha", 10]);
        await db.execute(`INSERT INTO ${t} (id, name, score) VALUES (?, ?, ?)`, [2, "beta", 20]);
        const rows = await db.fetchAll<{ id: number; name: string; score: number }>(
          `SELECT id, name, score FROM ${t} ORDER BY id`,
        );
        expect(rows).toEqual([
          { id: 1, name: "alpha", score: 10 },
          { id: 2, name: "beta", score: 20 },
        ]);
        expect(Object.getPrototypeOf(rows)).toBe(Array.prototype);
        for (const row of rows) expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
        expect(Object.keys(rows[0] as object)).toEqual(["id", "name", "score"]);
      });

      test("the sql tag works for execute, fetchOne and fetchAll, with nested fragments and lists", async () => {
        const t = await table("name TEXT");
        const tbl = sql.unsafe(t);
        for (const [id, name] of [
          [1, "one"],
          [2, "two"],
          [3, "three"],
        ] as const) {
          const result = await db.execute(sql`INSERT INTO ${tbl} (id, name) VALUES (${id}, ${name})`);
          expect(result.rowCount).toBe(1);
        }
        const one = await db.fetchOne<{ name: string }>(sql`SELECT name FROM ${tbl} WHERE id = ${2}`);
        expect(one).toEqual({ name: "two" });
        const where = sql`id IN (${sql.list([1, 3])})`;
        const rows = await db.fetchAll<{ id: number }>(sql`SELECT id FROM ${tbl} WHERE ${where} ORDER BY id`);
        expect(rows).toEqual([{ id: 1 }, { id: 3 }]);
        expect(Object.getPrototypeOf(rows)).toBe(Array.prototype);
      });

      test("fetchOne returns null when no row matches and the first row when several do", async () => {
        const t = await table();
        expect(await db.fetchOne(`SELECT * FROM ${t} WHERE id = ?`, [42])).toBeNull();
        await db.execute(`INSERT INTO ${t} (id, name) VALUES (?, ?), (?, ?)`, [1, "a", 2, "b"]);
        expect(await db.fetchOne(`SELECT name FROM ${t} ORDER BY id DESC`)).toEqual({ name: "b" });
        const empty = await db.fetchAll(`SELECT * FROM ${t} WHERE id > ?`, [99]);
        expect(empty).toEqual([]);
        expect(Object.getPrototypeOf(empty)).toBe(Array.prototype);
      });

      test("execute reports rowCount as the number of rows changed", async () => {
        const t = await table("name TEXT");
        expect(
          (
            await db.execute(`INSERT INTO ${t} (id, name) VALUES (?, ?), (?, ?), (?, ?)`, [
              1,
              "x",
              2,
              "x",
              3,
              "y",
            ])
          ).rowCount,
        ).toBe(3);
        expect((await db.execute(`UPDATE ${t} SET name = ? WHERE name = ?`, ["z", "x"])).rowCount).toBe(2);
        expect((await db.execute(`DELETE FROM ${t} WHERE id = ?`, [99])).rowCount).toBe(0);
        expect((await db.execute(sql`DELETE FROM ${sql.unsafe(t)} WHERE name = ${"z"}`)).rowCount).toBe(2);
        expect(await count(t)).toBe(1);
      });

      test("a ? inside a string literal or a comment is not a marker", async () => {
        const t = await table("name TEXT");
        await db.execute(`INSERT INTO ${t} (id, name) /* what? */ VALUES (?, 'who?') -- really?\n`, [1]);
        expect(await db.fetchOne(`SELECT name FROM ${t} WHERE id = ?`, [1])).toEqual({ name: "who?" });
      });

      test("small integers and COUNT(*) come back as numbers", async () => {
        const t = await table();
        await db.execute(`INSERT INTO ${t} (id, name) VALUES (?, ?)`, [7, "a"]);
        const row = await db.fetchOne<{ n: unknown; id: unknown }>(
          `SELECT COUNT(*) AS n, MAX(id) AS id FROM ${t}`,
        );
        expect(row).toEqual({ n: 1, id: 7 });
        expect(typeof row?.n).toBe("number");
        expect(typeof row?.id).toBe("number");
      });

      test("an integer beyond 2^53 computed by the database is never rounded", async () => {
        let value: unknown;
        try {
          value = (await db.fetchOne<{ big: unknown }>("SELECT 9007199254740993 AS big"))?.big;
        } catch (error) {
          // Refusing to read it is acceptable; handing out 9007199254740992 is not.
          expect(error).toBeInstanceOf(StorageError);
          return;
        }
        expectExactInteger(value, 9007199254740993n);
      });

      test("executeScript runs several statements in one text", async () => {
        const t = randomName("contract_script");
        created.push(t);
        await db.executeScript(
          `CREATE TABLE ${t} (id ${types.int8} PRIMARY KEY, name TEXT);\n` +
            `INSERT INTO ${t} (id, name) VALUES (1, 'a; still a');\n` +
            `INSERT INTO ${t} (id, name) VALUES (2, 'b');\n`,
        );
        expect(await db.fetchAll(`SELECT id, name FROM ${t} ORDER BY id`)).toEqual([
          { id: 1, name: "a; still a" },
          { id: 2, name: "b" },
        ]);
      });
    });

    describe("parameter values round-trip", () => {
      test("null, text, integer, float, boolean, Date, safe bigint and Uint8Array", async () => {
        const t = await table(
          `s TEXT, i ${types.int8}, f ${types.real}, flag_on ${types.bool}, flag_off ${types.bool}, stamp ${types.instant}, big ${types.int8}, bytes ${types.blob}, absent TEXT`,
        );
        const at = new Date(Date.UTC(2024, 1, 29, 23, 59, 58, 123));
        const bytes = new Uint8Array([0, 1, 127, 128, 255, 0]);
        const maxSafe = BigInt(Number.MAX_SAFE_INTEGER);
        await db.execute(
          `INSERT INTO ${t} (id, s, i, f, flag_on, flag_off, stamp, big, bytes, absent) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [1, "héllo ✓ 'quoted' \"dq\"", -42, 3.25, true, false, at, maxSafe, bytes, null],
        );
        const row = await db.fetchOne<Record<string, unknown>>(`SELECT * FROM ${t} WHERE id = ?`, [1]);
        expect(row).not.toBeNull();
        const r = row as Record<string, unknown>;
        expect(r.s).toBe("héllo ✓ 'quoted' \"dq\"");
        expect(r.i).toBe(-42);
        expect(r.f).toBe(3.25);
        // SQLite has no boolean type (1/0); PostgreSQL BOOLEAN gives true/false.
        expect([true, 1]).toContain(r.flag_on as never);
        expect([false, 0]).toContain(r.flag_off as never);
        expect(r.absent).toBeNull();
        expect(typeof r.big).toBe("number");
        expect(r.big).toBe(Number.MAX_SAFE_INTEGER);
        expect(r.stamp instanceof Date || typeof r.stamp === "string").toBe(true);
        if (typeof r.stamp === "string")
          expect(r.stamp.endsWith("Z") || /[+-]00(:?00)?$/.test(r.stamp)).toBe(true);
        expect(new Date(r.stamp as string | Date).getTime()).toBe(at.getTime());
        expect(r.bytes).toBeInstanceOf(Uint8Array);
        expect(Array.from(r.bytes as Uint8Array)).toEqual(Array.from(bytes));
      });

      test("a Date parameter compares correctly against stored instants", async () => {
        const t = await table(`stamp ${types.instant}`);
        const early = new Date(Date.UTC(2023, 0, 1, 0, 0, 0));
        const late = new Date(Date.UTC(2025, 0, 1, 0, 0, 0));
        await db.executeMany(`INSERT INTO ${t} (id, stamp) VALUES (?, ?)`, [
          [1, early],
          [2, late],
        ]);
        const rows = await db.fetchAll<{ id: number }>(`SELECT id FROM ${t} WHERE stamp > ? ORDER BY id`, [
          new Date(Date.UTC(2024, 0, 1)),
        ]);
        expect(rows).toEqual([{ id: 2 }]);
      });

      test("an integer parameter beyond 2^53 is refused or stored exactly, never rounded", async () => {
        const t = await table(`big ${types.int8}`);
        const big = 2n ** 53n + 1n;
        let refused = false;
        try {
          await db.execute(`INSERT INTO ${t} (id, big) VALUES (?, ?)`, [1, big]);
        } catch (error) {
          expect(error).toBeInstanceOf(StorageError);
          refused = true;
        }
        if (refused) {
          expect(await count(t)).toBe(0);
          return;
        }
        const row = await db.fetchOne<{ big: unknown }>(`SELECT big FROM ${t} WHERE id = ?`, [1]);
        expectExactInteger(row?.big, big);
      });
    });

    describe("parameter validation happens before the database sees anything", () => {
      const bad: [string, unknown[]][] = [
        ["undefined", [1, undefined]],
        ["a plain object", [1, { name: "x" }]],
        ["an array", [1, ["x"]]],
        ["too few params", [1]],
        ["too many params", [1, "x", "extra"]],
      ];
      for (const [what, params] of bad) {
        test(`${what} is a StorageError and nothing is written`, async () => {
          const t = await table("name TEXT");
          await expectStorageError(
            db.execute(`INSERT INTO ${t} (id, name) VALUES (?, ?)`, params as unknown as SqlParam[]),
          );
          await expectStorageError(
            db.fetchOne(`SELECT * FROM ${t} WHERE id = ? AND name = ?`, params as SqlParam[]),
          );
          await expectStorageError(
            db.fetchAll(`SELECT * FROM ${t} WHERE id = ? AND name = ?`, params as SqlParam[]),
          );
          expect(await count(t)).toBe(0);
        });
      }

      test("undefined inside the sql tag is a StorageError and nothing is written", async () => {
        const t = await table("name TEXT");
        const missing = undefined as unknown as SqlParam;
        await expectStorageError(
          db.execute(sql`INSERT INTO ${sql.unsafe(t)} (id, name) VALUES (${1}, ${missing})`),
        );
        expect(await count(t)).toBe(0);
      });

      test("a SqlQuery given extra params is a StorageError", async () => {
        const t = await table("name TEXT");
        await expectStorageError(
          db.execute(sql`INSERT INTO ${sql.unsafe(t)} (id, name) VALUES (${1}, ${"a"})`, [2]),
        );
        expect(await count(t)).toBe(0);
      });

      test("a bad row anywhere in executeMany writes none of the rows", async () => {
        const t = await table("name TEXT");
        await expectStorageError(
          db.executeMany(`INSERT INTO ${t} (id, name) VALUES (?, ?)`, [
            [1, "a"],
            [2, "b"],
            [3, undefined as unknown as SqlParam],
          ]),
        );
        await expectStorageError(
          db.executeMany(`INSERT INTO ${t} (id, name) VALUES (?, ?)`, [[1, "a"], [2]]),
        );
        expect(await count(t)).toBe(0);
      });
    });

    describe("errors", () => {
      test("a duplicate key is a StorageError recognisable as a unique violation, with the driver's error as cause", async () => {
        const t = await table("name TEXT");
        await db.execute(`INSERT INTO ${t} (id, name) VALUES (?, ?)`, [1, "a"]);
        const error = await expectStorageError(
          db.execute(`INSERT INTO ${t} (id, name) VALUES (?, ?)`, [1, "b"]),
        );
        expect(isUniqueViolation(error)).toBe(true);
        expect(error.code).toBe("UNIQUE_VIOLATION");
        expect(error.cause).toBeDefined();
        expect(error.cause).not.toBeInstanceOf(StorageError);
        expect(await db.fetchAll(`SELECT name FROM ${t}`)).toEqual([{ name: "a" }]);
      });

      test("a UNIQUE constraint on a non-key column is a unique violation too", async () => {
        const t = await table("email TEXT UNIQUE");
        await db.execute(`INSERT INTO ${t} (id, email) VALUES (?, ?)`, [1, "a@x"]);
        const error = await expectStorageError(
          db.execute(`INSERT INTO ${t} (id, email) VALUES (?, ?)`, [2, "a@x"]),
        );
        expect(isUniqueViolation(error)).toBe(true);
      });

      test("foreign keys are enforced", async () => {
        const parent = await table("name TEXT");
        const child = await table(`parent_id ${types.int8} NOT NULL REFERENCES ${parent}(id)`);
        const error = await expectStorageError(
          db.execute(`INSERT INTO ${child} (id, parent_id) VALUES (?, ?)`, [1, 999]),
        );
        expect(isForeignKeyViolation(error)).toBe(true);
        expect(isUniqueViolation(error)).toBe(false);
        expect(await count(child)).toBe(0);
      });

      test("a syntax error is a StorageError that is not a unique violation", async () => {
        const error = await expectStorageError(db.fetchAll("SELEKT nothing FROM nowhere"));
        expect(isUniqueViolation(error)).toBe(false);
        expect(error.cause).toBeDefined();
      });
    });

    describe("transactions", () => {
      test("commit on return: the value is returned and the writes are visible afterwards", async () => {
        const t = await table();
        const result = await db.transaction(async (tx) => {
          await tx.execute(`INSERT INTO ${t} (id, name) VALUES (?, ?)`, [1, "a"]);
          await yieldFor(1);
          await tx.execute(sql`INSERT INTO ${sql.unsafe(t)} (id, name) VALUES (${2}, ${"b"})`);
          // The transaction sees its own uncommitted writes.
          expect(await count(t, tx)).toBe(2);
          return "done";
        });
        expect(result).toBe("done");
        expect(await count(t)).toBe(2);
      });

      test("a throw after an await rolls back every write and rejects with the same error", async () => {
        const t = await table();
        const boom = new Error("boom");
        const error = await rejectionOf(
          db.transaction(async (tx) => {
            await tx.execute(`INSERT INTO ${t} (id, name) VALUES (?, ?)`, [1, "a"]);
            await yieldFor(5);
            await tx.execute(`INSERT INTO ${t} (id, name) VALUES (?, ?)`, [2, "b"]);
            await tx.fetchAll(`SELECT * FROM ${t}`);
            throw boom;
          }),
        );
        expect(error).toBe(boom);
        expect(await count(t)).toBe(0);
      });

      test("a failing statement inside the transaction rolls back the earlier writes", async () => {
        const t = await table();
        await expectStorageError(
          db.transaction(async (tx) => {
            await tx.execute(`INSERT INTO ${t} (id, name) VALUES (?, ?)`, [1, "a"]);
            await tx.execute(`INSERT INTO ${t} (id, name) VALUES (?, ?)`, [1, "duplicate"]);
          }),
        );
        expect(await count(t)).toBe(0);
      });

      test("only tx runs inside: another caller's write during the transaction survives its rollback", async () => {
        const t = await table();
        let outside: Promise<unknown> | undefined;
        const boom = new Error("roll back");
        const error = await rejectionOf(
          db.transaction(async (tx) => {
            await tx.execute(`INSERT INTO ${t} (id, name) VALUES (?, ?)`, [1, "inside"]);
            // Issued by someone else while the transaction is open; it must not join it.
            outside = db.execute(`INSERT INTO ${t} (id, name) VALUES (?, ?)`, [2, "outside"]);
            await yieldFor(20);
            await tx.execute(`INSERT INTO ${t} (id, name) VALUES (?, ?)`, [3, "inside"]);
            throw boom;
          }),
        );
        expect(error).toBe(boom);
        await outside;
        expect(await db.fetchAll(`SELECT id, name FROM ${t} ORDER BY id`)).toEqual([
          { id: 2, name: "outside" },
        ]);
      });

      test("concurrent transactions on one backend all commit", async () => {
        const t = await table();
        await Promise.all(
          Array.from({ length: 5 }, (_, k) =>
            db.transaction(async (tx) => {
              await tx.execute(`INSERT INTO ${t} (id, name) VALUES (?, ?)`, [k * 2, "a"]);
              await yieldFor(2);
              await tx.execute(`INSERT INTO ${t} (id, name) VALUES (?, ?)`, [k * 2 + 1, "b"]);
            }),
          ),
        );
        expect(await count(t)).toBe(10);
      });

      test("nested: an inner failure caught by the outer rolls back only the inner writes", async () => {
        const t = await table();
        const innerError = new Error("inner");
        await db.transaction(async (tx) => {
          await tx.execute(`INSERT INTO ${t} (id, name) VALUES (?, ?)`, [1, "outer"]);
          const caught = await rejectionOf(
            tx.transaction(async (inner) => {
              await inner.execute(`INSERT INTO ${t} (id, name) VALUES (?, ?)`, [2, "inner"]);
              await yieldFor(1);
              throw innerError;
            }),
          );
          expect(caught).toBe(innerError);
          await tx.execute(`INSERT INTO ${t} (id, name) VALUES (?, ?)`, [3, "outer"]);
        });
        expect(await db.fetchAll(`SELECT id FROM ${t} ORDER BY id`)).toEqual([{ id: 1 }, { id: 3 }]);
      });

      test("nested: inner success returns its value and still rolls back with the outer", async () => {
        const t = await table();
        const boom = new Error("outer fails");
        await rejectionOf(
          db.transaction(async (tx) => {
            const value = await tx.transaction(async (inner) => {
              await inner.execute(`INSERT INTO ${t} (id, name) VALUES (?, ?)`, [1, "inner"]);
              return 41;
            });
            expect(value).toBe(41);
            expect(await count(t, tx)).toBe(1);
            throw boom;
          }),
        );
        expect(await count(t)).toBe(0);
        const committed = await db.transaction(async (tx) =>
          tx.transaction(async (inner) => {
            await inner.execute(`INSERT INTO ${t} (id, name) VALUES (?, ?)`, [2, "kept"]);
            return "ok";
          }),
        );
        expect(committed).toBe("ok");
        expect(await db.fetchAll(`SELECT id FROM ${t}`)).toEqual([{ id: 2 }]);
      });

      test("executeScript inside a transaction joins it", async () => {
        const t = await table();
        await rejectionOf(
          db.transaction(async (tx) => {
            await tx.executeScript(
              `INSERT INTO ${t} (id, name) VALUES (1, 'a');\nINSERT INTO ${t} (id, name) VALUES (2, 'b');`,
            );
            expect(await count(t, tx)).toBe(2);
            throw new Error("undo the script");
          }),
        );
        expect(await count(t)).toBe(0);
      });

      test("lockForMigration resolves inside a transaction", async () => {
        const t = await table();
        await db.transaction(async (tx) => {
          await tx.lockForMigration();
          await tx.execute(`INSERT INTO ${t} (id, name) VALUES (?, ?)`, [1, "locked"]);
        });
        expect(await count(t)).toBe(1);
      });
    });

    describe("executeMany", () => {
      test("inserts every row and reports the total rowCount", async () => {
        const t = await table();
        const rows: SqlParam[][] = Array.from({ length: 250 }, (_, k) => [k, `n${k}`]);
        const result = await db.executeMany(`INSERT INTO ${t} (id, name) VALUES (?, ?)`, rows);
        expect(result.rowCount).toBe(250);
        expect(await count(t)).toBe(250);
        const update = await db.executeMany(`UPDATE ${t} SET name = ? WHERE id < ?`, [
          ["low", 10],
          ["lower", 5],
        ]);
        expect(update.rowCount).toBe(15);
      });

      test("an empty sequence does nothing", async () => {
        const t = await table();
        expect((await db.executeMany(`INSERT INTO ${t} (id, name) VALUES (?, ?)`, [])).rowCount).toBe(0);
        expect(await count(t)).toBe(0);
      });

      test("a duplicate key in the middle leaves no row at all", async () => {
        const t = await table();
        const error = await expectStorageError(
          db.executeMany(`INSERT INTO ${t} (id, name) VALUES (?, ?)`, [
            [1, "a"],
            [2, "b"],
            [1, "duplicate"],
            [3, "c"],
          ]),
        );
        expect(isUniqueViolation(error)).toBe(true);
        expect(await count(t)).toBe(0);
      });

      test("inside a transaction it joins it and rolls back with it", async () => {
        const t = await table();
        await rejectionOf(
          db.transaction(async (tx) => {
            const result = await tx.executeMany(`INSERT INTO ${t} (id, name) VALUES (?, ?)`, [
              [1, "a"],
              [2, "b"],
            ]);
            expect(result.rowCount).toBe(2);
            expect(await count(t, tx)).toBe(2);
            throw new Error("undo");
          }),
        );
        expect(await count(t)).toBe(0);
      });
    });

    describe("close", () => {
      test("waits for in-flight queries, which all complete", async () => {
        const t = await table();
        const other = await open();
        const pending = Array.from({ length: 20 }, (_, k) =>
          other.execute(`INSERT INTO ${t} (id, name) VALUES (?, ?)`, [k, "in flight"]),
        );
        const reads = other.fetchAll(`SELECT * FROM ${t}`);
        await other.close();
        const results = await Promise.allSettled([...pending, reads]);
        expect(results.filter((r) => r.status === "rejected")).toEqual([]);
        expect(await count(t)).toBe(20);
      });

      test("waits for an open transaction to finish and commit", async () => {
        const t = await table();
        const other = await open();
        const started = deferred();
        const gate = deferred();
        const tx = other.transaction(async (inner) => {
          await inner.execute(`INSERT INTO ${t} (id, name) VALUES (?, ?)`, [1, "first"]);
          started.resolve();
          await gate.promise;
          await inner.execute(`INSERT INTO ${t} (id, name) VALUES (?, ?)`, [2, "second"]);
        });
        await started.promise;
        let closed = false;
        const closing = other.close().then(() => {
          closed = true;
        });
        await yieldFor(20);
        expect(closed).toBe(false);
        gate.resolve();
        await tx;
        await closing;
        expect(closed).toBe(true);
        expect(await count(t)).toBe(2);
      });

      test("after close, queries are refused with a StorageError and close again is harmless", async () => {
        const other = await open();
        await other.close();
        await expectStorageError(other.fetchOne("SELECT 1 AS one"));
        await expectStorageError(other.execute("SELECT 1 AS one"));
        await other.close();
      });
    });
  });
}
