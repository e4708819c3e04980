/**
 * db:copy's table catalog against the schema the migrations build, on both backends: the same
 * tables (bookkeeping aside), the same columns, and on PostgreSQL each column's type agrees with
 * its kind. A migration that adds a table or a column fails here until the catalog knows it.
 */
import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import type { DatabaseBackend } from "../../src/backends/database-backend.ts";
import { type ColumnKind, TABLE_CATALOG } from "../../src/repositories/table-catalog.ts";
import { createBackend } from "../../src/storage/index.ts";
import { describePostgres } from "../support/postgres.ts";

// Per file: Bun applies a preload's default timeout to the first file only (oven-sh/bun#43787).
setDefaultTimeout(60_000);

const catalogued = TABLE_CATALOG.map((t) => t.name);

function foreignKeysFirst(): void {
  test("every table comes after the tables it references", () => {
    const order = new Map(catalogued.map((name, i) => [name, i]));
    const references: Record<string, string[]> = {
      signatures: ["campaigns"],
      findings: ["scans"],
      url_analysis: ["scans"],
      job_runs: ["scheduled_jobs"],
    };
    for (const [child, parents] of Object.entries(references)) {
      for (const parent of parents) expect(order.get(parent)!).toBeLessThan(order.get(child)!);
    }
  });
}

describe("table catalog on SQLite", () => {
  let db: DatabaseBackend;
  afterAll(async () => {
    await db?.close();
  });

  test("the same tables and columns as the migrated schema", async () => {
    db = await createBackend({ backend: "sqlite", dbPath: ":memory:" });
    expect(await db.listTables()).toEqual([...catalogued, "schema_migrations"].sort());
    for (const table of TABLE_CATALOG) {
      const columns = await db.fetchAll<{ name: string }>(
        `SELECT name FROM pragma_table_info('${table.name}')`,
      );
      expect(columns.map((c) => c.name).sort()).toEqual(table.columns.map(([c]) => c).sort());
    }
  });
  foreignKeysFirst();
});

const KIND_OF_TYPE: Record<string, ColumnKind> = {
  "timestamp without time zone": "instant",
  boolean: "flag",
  bigint: "int",
  integer: "int",
  "double precision": "real",
  text: "text",
  "character varying": "text",
};

describePostgres("table catalog on PostgreSQL", (pg) => {
  test("the same tables, columns and kinds as the migrated schema", async () => {
    const db = await createBackend({ backend: "postgres", postgresUrl: pg().url, postgresPoolMax: 2 });
    try {
      expect(await db.listTables()).toEqual([...catalogued, "schema_migrations"].sort());
      for (const table of TABLE_CATALOG) {
        const columns = await db.fetchAll<{ name: string; type: string }>(
          "SELECT column_name AS name, data_type AS type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ?",
          [table.name],
        );
        const actual = Object.fromEntries(columns.map((c) => [c.name, KIND_OF_TYPE[c.type] ?? c.type]));
        expect(actual).toEqual(Object.fromEntries(table.columns));
      }
    } finally {
      await db.close();
    }
  });
});
