import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { PostgresDatabase } from "../../src/backends/postgres/index.ts";
import { planMultiRowInsert, renderMultiRowInsert } from "../../src/backends/postgres/multi-row-insert.ts";
import { StorageError } from "../../src/errors/index.ts";
import type { SqlParam } from "../../src/sql/index.ts";
import { describePostgres } from "../support/postgres.ts";
import { rejectionOf } from "../support/rejection.ts";
import { openPool, uniqueAppName } from "./postgres-support.ts";

describe("multi-row INSERT planning", () => {
  test("a VALUES insert is repeated per row with renumbered markers; literals and ?? kept", () => {
    const plan = planMultiRowInsert(
      "INSERT INTO t (a, b, c) VALUES (?, '?'::text || ?, ?? ) ON CONFLICT (a) DO NOTHING;",
    );
    expect(plan).not.toBeNull();
    expect(plan?.markersPerRow).toBe(2);
    expect(renderMultiRowInsert(plan!, 2)).toBe(
      "INSERT INTO t (a, b, c) VALUES ($1, '?'::text || $2, ? ), ($3, '?'::text || $4, ? ) ON CONFLICT (a) DO NOTHING",
    );
  });

  test("nested parentheses inside the tuple and RETURNING are fine", () => {
    const plan = planMultiRowInsert("insert into t(a,b) values (lower(?), coalesce(?, (1))) returning a");
    expect(renderMultiRowInsert(plan!, 2)).toBe(
      "insert into t(a,b) values (lower($1), coalesce($2, (1))), (lower($3), coalesce($4, (1))) returning a",
    );
  });

  test("shapes whose meaning would change are left to one statement per row", () => {
    for (const text of [
      "INSERT INTO t (a) VALUES (?) ON CONFLICT (a) DO UPDATE SET b = excluded.b",
      "INSERT INTO t (a, b) VALUES (?, 1) ON CONFLICT (a) DO UPDATE SET b = ?",
      "INSERT INTO t (a) SELECT ? WHERE true",
      "INSERT INTO t DEFAULT VALUES",
      "INSERT INTO t (a) VALUES (1)",
      "UPDATE t SET a = ? WHERE b = ?",
      "WITH x AS (SELECT 1) INSERT INTO t (a) VALUES (?)",
      "INSERT INTO t (a) VALUES (?), (?)",
    ]) {
      expect(planMultiRowInsert(text)).toBeNull();
    }
  });
});

describePostgres("postgres executeMany", (getDb) => {
  let db: PostgresDatabase;
  beforeAll(async () => {
    db = await openPool(getDb().url, { min: 1, max: 3, applicationName: uniqueAppName("many") });
    // Statement-level triggers count the statements and transactions that reach each table, so
    // the tests see how rows travelled, not only that they arrived.
    await db.executeScript(`
      create table stmt_log (tbl text, xid bigint);
      create function log_stmt() returns trigger language plpgsql as $$
      begin insert into stmt_log values (tg_table_name, txid_current()); return null; end $$;
      create table bulk (id int primary key, name text not null, score double precision, seen timestamp);
      create trigger bulk_stmt after insert on bulk for each statement execute function log_stmt();
      create table counters (id int primary key, n int not null default 0);
      create trigger counters_stmt after update on counters for each statement execute function log_stmt();
    `);
  });
  afterAll(async () => {
    await db?.close();
  });

  const rows = (n: number, from = 0) =>
    Array.from({ length: n }, (_, i) => [
      from + i,
      `name-${from + i}`,
      (from + i) / 3,
      new Date(Date.UTC(2024, 0, 1, 0, 0, i % 60)),
    ]);

  test("100,000 rows: all stored, in a few multi-row statements of one transaction", async () => {
    await db.executeScript("truncate bulk; truncate stmt_log");
    const result = await db.executeMany(
      "INSERT INTO bulk (id, name, score, seen) VALUES (?, ?, ?, ?)",
      rows(100_000),
    );
    expect(result).toEqual({ rowCount: 100_000 });
    expect(await db.fetchOne("select count(*) as n, sum(id) as s, max(name) as m from bulk")).toEqual({
      n: 100_000,
      s: (99_999 * 100_000) / 2,
      m: "name-99999",
    });
    expect(await db.fetchOne("select seen from bulk where id = 61")).toEqual({
      seen: new Date(Date.UTC(2024, 0, 1, 0, 0, 1)),
    });
    // 4 params a row, under 65,534 params a statement: 16,383 rows each, so 7 statements.
    const log = await db.fetchOne<{ statements: number; transactions: number }>(
      "select count(*) as statements, count(distinct xid) as transactions from stmt_log where tbl = 'bulk'",
    );
    expect(log).toEqual({ statements: Math.ceil(100_000 / Math.floor(65_533 / 4)), transactions: 1 });
  });

  test("a duplicate key in the middle of 100,000 rows leaves none of them", async () => {
    await db.executeScript("truncate bulk");
    const batch = rows(100_000, 1_000_000);
    batch[60_000] = [1_000_010, "duplicate of an earlier row", 0, null] as never;
    const error = await rejectionOf(
      db.executeMany("INSERT INTO bulk (id, name, score, seen) VALUES (?, ?, ?, ?)", batch),
    );
    expect(error).toBeInstanceOf(StorageError);
    expect((error as StorageError).code).toBe("UNIQUE_VIOLATION");
    expect(await db.fetchOne("select count(*) as n from bulk")).toEqual({ n: 0 });
  });

  test("ON CONFLICT DO NOTHING reports only the rows inserted", async () => {
    await db.executeScript("truncate bulk");
    await db.execute("insert into bulk (id, name) values (2, 'existing')");
    const result = await db.executeMany("insert into bulk (id, name) values (?, ?) on conflict do nothing", [
      [1, "a"],
      [2, "b"],
      [3, "c"],
      [3, "c again"],
    ]);
    expect(result).toEqual({ rowCount: 2 });
    expect(await db.fetchAll("select id, name from bulk order by id")).toEqual([
      { id: 1, name: "a" },
      { id: 2, name: "existing" },
      { id: 3, name: "c" },
    ]);
  });

  test("other statements run in chunks inside one transaction, all or nothing", async () => {
    await db.executeScript("truncate counters; truncate stmt_log");
    await db.executeMany(
      "insert into counters (id) values (?)",
      Array.from({ length: 1_000 }, (_, i) => [i]),
    );
    const updates: SqlParam[][] = Array.from({ length: 1_000 }, (_, i) => [i + 1, i]);
    expect(await db.executeMany("update counters set n = n + ? where id = ?", updates)).toEqual({
      rowCount: 1_000,
    });
    expect(await db.fetchOne("select sum(n) as s from counters")).toEqual({ s: (1_000 * 1_001) / 2 });
    expect(
      await db.fetchOne(
        "select count(*) as statements, count(distinct xid) as transactions from stmt_log where tbl = 'counters'",
      ),
    ).toEqual({ statements: 1_000, transactions: 1 });

    // A failure on the last row undoes the 999 before it.
    const failing: SqlParam[][] = [...updates, ["not a number", 0]];
    const error = await rejectionOf(db.executeMany("update counters set n = n + ? where id = ?", failing));
    expect(error).toBeInstanceOf(StorageError);
    expect(await db.fetchOne("select sum(n) as s from counters")).toEqual({ s: (1_000 * 1_001) / 2 });
  });
});
