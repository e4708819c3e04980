/*
 * fetchAll on PostgreSQL asks the driver for arrays and builds each row from the result's column
 * list (backends/postgres/value-rows.ts). Rows must be what the driver's own objects would be:
 * same keys in the same order, same values and types, for odd column lists too, on prepared
 * and unprepared statements, in a transaction and out of one. The reference is a bare postgres.js
 * client, so instants are timestamptz here: a zone-less timestamp it would read in the process's
 * zone, where the backend reads it as UTC (postgres-types.test.ts covers that).
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import postgres from "postgres";
import type { PostgresDatabase } from "../../src/backends/postgres/index.ts";
import { describePostgres } from "../support/postgres.ts";
import { openPool, uniqueAppName } from "./postgres-support.ts";

const QUERIES = [
  "SELECT 1::int AS a, 'x'::text AS b, NULL::text AS c, 2.5::float8 AS d, true AS e, '{\"k\":[1]}'::jsonb AS f",
  "SELECT 1 AS a, 2 AS b, 3 AS a",
  'SELECT 1 AS "__proto__", 2 AS "constructor", 3 AS "with space", 4 AS "ünï"',
  "SELECT g AS n, g::text AS t, '2024-01-02 03:04:05.678+00'::timestamptz AS at FROM generate_series(1, 120) g",
  "SELECT 1 AS a WHERE false",
];

describePostgres("postgres fetchAll rows", (getDb) => {
  let prepared: PostgresDatabase;
  let unprepared: PostgresDatabase;
  let driver: postgres.Sql;

  beforeAll(async () => {
    prepared = await openPool(getDb().url, { min: 1, max: 2, applicationName: uniqueAppName("rows") });
    unprepared = await openPool(getDb().url, {
      min: 1,
      max: 2,
      prepare: false,
      applicationName: uniqueAppName("rows-unprepared"),
    });
    driver = postgres(getDb().url, { max: 1, onnotice: () => {} });
  });
  afterAll(async () => {
    await prepared?.close();
    await unprepared?.close();
    await driver?.end({ timeout: 2 });
  });

  test("every row is the driver's own object: keys, order, values and types", async () => {
    for (const text of QUERIES) {
      const expected = [...(await driver.unsafe(text))].map((r) => ({ ...r }));
      for (const [label, db] of [
        ["prepared", prepared],
        ["unprepared", unprepared],
      ] as const) {
        for (let round = 0; round < 3; round++) {
          const rows = await db.fetchAll(text);
          expect(rows, `${label}: ${text}`).toEqual(expected);
          expect(
            rows.map((r) => Object.keys(r)),
            `${label}: ${text}`,
          ).toEqual(expected.map((r) => Object.keys(r)));
          for (const row of rows) expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
        }
      }
    }
  });

  test("inside a transaction and a savepoint the rows read the same, and a plain array comes back", async () => {
    const text = QUERIES[3] as string;
    const expected = [...(await driver.unsafe(text))].map((r) => ({ ...r }));
    await prepared.transaction(async (tx) => {
      expect(await tx.fetchAll(text)).toEqual(expected);
      await tx.transaction(async (inner) => {
        const rows = await inner.fetchAll(text);
        expect(rows).toEqual(expected);
        expect(Array.isArray(rows) && rows.constructor === Array).toBe(true);
      });
    });
  });
});
