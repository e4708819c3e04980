/**
 * The migration contract (DESIGN.md "Migrations"), written once; the black-box suite
 * (test/contract/public-contract.test.ts) runs it per backend through src/index.ts.
 * `open` returns a new backend on a new, empty database each time.
 */
import { expect, test } from "bun:test";
import {
  type DatabaseBackend,
  MigrationError,
  migrationStatus,
  runMigrations,
  sql,
} from "../../src/index.ts";
import { rejectionOf } from "../support/rejection.ts";

const MIGRATION_NAMES = [
  "initial_schema",
  "api_usage_table",
  "audit_log_table",
  "api_keys_table",
  "scheduled_scanning_tables",
];

export function migrationContract(open: () => Promise<DatabaseBackend>): void {
  test("runMigrations returns the applied list, then nothing; migrationStatus one entry per migration", async () => {
    const db = await open();
    try {
      const before = await migrationStatus(db);
      expect(before.map((e) => [e.version, e.name, e.state])).toEqual(
        MIGRATION_NAMES.map((n, i) => [i + 1, n, "pending"]),
      );
      const applied = await runMigrations(db);
      expect(applied.map((m) => [m.version, m.name])).toEqual(MIGRATION_NAMES.map((n, i) => [i + 1, n]));
      expect(await runMigrations(db)).toEqual([]);
      const after = await migrationStatus(db);
      expect(after.map((e) => [e.version, e.name, e.state])).toEqual(
        MIGRATION_NAMES.map((n, i) => [i + 1, n, "applied"]),
      );
      const rows = await db.fetchAll<{ version: number }>(
        "SELECT version, name, applied_at FROM schema_migrations ORDER BY version",
      );
      expect(rows.map((r) => r.version)).toEqual([1, 2, 3, 4, 5]);
    } finally {
      await db.close();
    }
  });

  test("a database made by the Python malwar (3-column schema_migrations) is adopted", async () => {
    const db = await open();
    try {
      await runMigrations(db);
      await db.execute("DROP TABLE schema_migrations");
      await db.execute(
        db.backendName === "postgres"
          ? "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR(255) NOT NULL, applied_at TIMESTAMP DEFAULT NOW())"
          : "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT DEFAULT (datetime('now')))",
      );
      await db.executeMany(
        "INSERT INTO schema_migrations (version, name) VALUES (?, ?)",
        MIGRATION_NAMES.map((n, i) => [i + 1, n]),
      );
      await db.execute("INSERT INTO scans (id, target, started_at) VALUES (?, ?, ?)", ["kept", "t", "x"]);
      expect(await runMigrations(db)).toEqual([]);
      expect((await migrationStatus(db)).map((e) => e.state)).toEqual(MIGRATION_NAMES.map(() => "applied"));
      expect(await db.fetchOne("SELECT id FROM scans WHERE id = ?", ["kept"])).toEqual({ id: "kept" });
    } finally {
      await db.close();
    }
  });

  test("an applied file whose checksum no longer matches is 'changed' and stops the run", async () => {
    const db = await open();
    try {
      await runMigrations(db);
      // Find the bookkeeping column holding the checksum the status reports, and spoil it.
      const entry = (await migrationStatus(db)).find((e) => e.version === 2) as { checksum?: unknown };
      const row = await db.fetchOne<Record<string, unknown>>(
        "SELECT * FROM schema_migrations WHERE version = ?",
        [2],
      );
      const column = Object.keys(row ?? {}).find(
        (k) => row?.[k] === entry.checksum && typeof row?.[k] === "string",
      );
      if (column === undefined) throw new Error("no checksum column found in schema_migrations");
      await db.execute(
        sql`UPDATE schema_migrations SET ${sql.ident(column)} = ${"0000"} WHERE version = ${2}`,
      );
      const status = await migrationStatus(db);
      expect(status.map((e) => e.state)).toEqual(["applied", "changed", "applied", "applied", "applied"]);
      const error = await rejectionOf(runMigrations(db));
      expect(error).toBeInstanceOf(MigrationError);
      expect((error as Error).message).toContain("api_usage_table");
    } finally {
      await db.close();
    }
  });

  test("a gap is reported as pending and applied, not skipped", async () => {
    const db = await open();
    try {
      await runMigrations(db);
      await db.execute("DELETE FROM schema_migrations WHERE version = ?", [3]);
      await db.execute("DROP TABLE audit_log");
      const status = await migrationStatus(db);
      expect(status.find((e) => e.version === 3)?.state).toBe("pending");
      const applied = await runMigrations(db);
      expect(applied.map((m) => m.version)).toEqual([3]);
    } finally {
      await db.close();
    }
  });
}
