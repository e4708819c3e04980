/**
 * The query layer against the real databases, through the backends: `?` inside literals,
 * identifiers and comments is not a marker, `??` reaches PostgreSQL as the jsonb `?` operator,
 * and nested `sql` fragments with lists bind their values in order. One body runs per backend.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { DatabaseBackend } from "../../src/backends/database-backend.ts";
import { PostgresDatabase } from "../../src/backends/postgres/postgres-database.ts";
import { SQLiteBackend } from "../../src/backends/sqlite/sqlite-backend.ts";
import { StorageError } from "../../src/errors/index.ts";
import { adaptNamedToPositional, sql } from "../../src/sql/index.ts";
import { adminClient, describePostgres } from "../support/postgres.ts";

type Open = () => Promise<DatabaseBackend>;

function queryLayerSuite(open: Open): void {
  let db: DatabaseBackend;

  beforeAll(async () => {
    db = await open();
    await db.execute("create table items (id integer primary key, name text not null, kind text not null)");
    await db.execute('create table "odd?table" ("we""ird?" integer not null)');
    for (const [id, name, kind] of [
      [1, "alpha", "x"],
      [2, "it's ?", "y"],
      [3, "gamma", "x"],
      [4, "delta", "z"],
      [5, "eps?lon", "y"],
    ] as const) {
      await db.execute(sql`insert into items (id, name, kind) values (${id}, ${name}, ${kind})`);
    }
    await db.execute(sql`insert into ${sql.ident("odd?table")} (${sql.ident('we"ird?')}) values (${7})`);
  });

  afterAll(async () => {
    await db?.close();
  });

  test("? inside a string literal, a quoted identifier and comments is not a marker", async () => {
    const rows = await db.fetchAll(
      `select id, 'it''s ? here' as "lit?" /* why ? */ -- not ? either
       from items where kind = ? and id > ? order by id`,
      ["x", 0],
    );
    expect(rows).toEqual([
      { id: 1, "lit?": "it's ? here" },
      { id: 3, "lit?": "it's ? here" },
    ]);
  });

  test("a value containing ? and quotes travels as a parameter", async () => {
    const row = await db.fetchOne(sql`select id from items where name = ${"it's ?"}`);
    expect(row).toEqual({ id: 2 });
  });

  test("nested fragments with lists bind their values in order", async () => {
    const kinds = sql`kind in (${sql.list(["x", "y"])})`;
    const ids = sql`id in (${sql.list([1, 2, 3, 5])})`;
    const notName = sql`name <> ${"gamma"}`;
    const rows = await db.fetchAll(
      sql`select id, name from items where ${sql.join([kinds, ids, notName], " and ")} order by id`,
    );
    expect(rows).toEqual([
      { id: 1, name: "alpha" },
      { id: 2, name: "it's ?" },
      { id: 5, name: "eps?lon" },
    ]);
  });

  test("a SqlQuery separator with a value, and a list of fragments", async () => {
    const rows = await db.fetchAll(
      sql`select id from items where ${sql.join([sql`id = ${4}`, sql`name = ${"alpha"}`], sql` or kind = ${"none"} or `)} order by id`,
    );
    expect(rows).toEqual([{ id: 1 }, { id: 4 }]);
  });

  test("quoted identifiers from sql.ident, with a doubled quote and a ?", async () => {
    const row = await db.fetchOne(sql`select ${sql.ident('we"ird?')} as v from ${sql.ident("odd?table")}`);
    expect(row).toEqual({ v: 7 });
  });

  test("named markers adapted to ? run on the backend (which takes ? text)", async () => {
    const { text, values } = adaptNamedToPositional(
      "select id from items where kind = :k and name <> ':k' -- :k\n and id >= :min order by id",
      { k: "y", min: 2 },
      "sqlite",
    );
    expect(await db.fetchAll(text, values)).toEqual([{ id: 2 }, { id: 5 }]);
  });

  test("a parameter count that differs from the markers is refused before the database", async () => {
    await expect(
      db.fetchAll("select id from items where id = ? and '?' = '?'", [1, 2]),
    ).rejects.toBeInstanceOf(StorageError);
    await expect(db.fetchAll("select id from items where id = ?", [])).rejects.toBeInstanceOf(StorageError);
    await expect(
      db.fetchAll("select id from items where id = ?", [undefined as never]),
    ).rejects.toBeInstanceOf(StorageError);
  });
}

describe("query layer on SQLite", () => {
  queryLayerSuite(() => SQLiteBackend.open(":memory:"));

  describe("SQLite's own quoting", () => {
    let db: DatabaseBackend;
    beforeAll(async () => {
      db = await SQLiteBackend.open(":memory:");
    });
    afterAll(async () => {
      await db?.close();
    });

    test("[brackets] and `backticks` hold a ? that is not a marker", async () => {
      const row = await db.fetchOne("select ? as [a?b], 'x' as `c?`", [1]);
      expect(row).toEqual({ "a?b": 1, "c?": "x" });
    });
  });
});

describePostgres("query layer on PostgreSQL", (testDb) => {
  queryLayerSuite(() => PostgresDatabase.create(testDb().url, { min: 1, max: 2 }));

  describe("PostgreSQL's own quoting and the jsonb operators", () => {
    let db: DatabaseBackend;
    beforeAll(async () => {
      db = await PostgresDatabase.create(testDb().url, { min: 1, max: 2 });
      await db.execute("create table docs (id integer primary key, data jsonb not null)");
      await db.execute(
        `insert into docs values (1, '{"key": 1, "a": 2}'), (2, '{"a": 3}'), (3, '{"key": 4, "b": 5}')`,
      );
    });
    afterAll(async () => {
      await db?.close();
    });

    test("jsonb ?? 'key' reaches the server as the ? operator", async () => {
      expect(await db.fetchAll("select id from docs where data ?? 'key' order by id")).toEqual([
        { id: 1 },
        { id: 3 },
      ]);
    });

    test("??| and ??& next to real markers", async () => {
      const rows = await db.fetchAll(
        "select id from docs where data ??| array['b', ?] and id >= ? order by id",
        ["key", 1],
      );
      expect(rows).toEqual([{ id: 1 }, { id: 3 }]);
      const all = await db.fetchAll("select id from docs where data ??& array[?, 'a'] order by id", ["key"]);
      expect(all).toEqual([{ id: 1 }]);
    });

    test("the sql tag writes the jsonb operator directly: only interpolations are markers", async () => {
      const rows = await db.fetchAll(sql`select id from docs where data ? ${"a"} and id <> ${2} order by id`);
      expect(rows).toEqual([{ id: 1 }]);
    });

    test("E'' strings with \\' and \\\\, nested comments and dollar bodies hide their ?", async () => {
      const row = await db.fetchOne(
        `select E'it\\'s ? \\\\' as e, /* a /* ? */ ? */ $$ body ? $$ as d, $fn$ ?? $fn$ as t,
                cast(? as integer) as n`,
        [5],
      );
      expect(row).toEqual({ e: "it's ? \\", d: " body ? ", t: " ?? ", n: 5 });
    });

    test("a lone CR ends a -- comment: the ? after it is a marker", async () => {
      const row = await db.fetchOne("select 1 as one -- comment\r, cast(? as integer) as n", [9]);
      expect(row).toEqual({ one: 1, n: 9 });
    });

    test("named markers rendered as $n run on the raw driver", async () => {
      const { text, values } = adaptNamedToPositional(
        "select id, data->>'a' as a from docs where id = :id or (id = :other and data::text <> ':id') order by id",
        { id: 2, other: 3 },
        "postgres",
      );
      expect(text).toBe(
        "select id, data->>'a' as a from docs where id = $1 or (id = $2 and data::text <> ':id') order by id",
      );
      const raw = adminClient(testDb().url);
      try {
        const rows = await raw.unsafe(text, values as never[]);
        expect(rows.map((r): Record<string, unknown> => ({ ...r }))).toEqual([
          { id: 2, a: "3" },
          { id: 3, a: null },
        ]);
      } finally {
        await raw.end({ timeout: 2 });
      }
    });
  });
});
