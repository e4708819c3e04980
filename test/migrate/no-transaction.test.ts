import { expect, test } from "bun:test";
import { migrationStatus, runMigrations } from "../../src/migrate/index.ts";
import { eachDialect, recordedVersions, scratchMigrations, withFresh } from "./harness.ts";

/**
 * Statements that the database refuses inside a transaction: applying the file at all proves it
 * ran outside one.
 */
const OUTSIDE_ONLY = {
  sqlite:
    "-- migrate:no-transaction\nCREATE INDEX IF NOT EXISTS idx_scans_status ON scans(status);\nVACUUM;\n",
  postgres:
    "-- migrate:no-transaction\n-- A crash can leave an INVALID index behind: drop it first so the file re-runs cleanly.\nDROP INDEX CONCURRENTLY IF EXISTS idx_scans_status;\nCREATE INDEX CONCURRENTLY idx_scans_status ON scans(status);\n",
};

eachDialect("-- migrate:no-transaction", (dialect) => {
  test("runs outside a transaction, is recorded once with its checksum, and never runs again", async () => {
    const scratch = scratchMigrations(dialect.name, {
      "006_scan_status_index.sql": OUTSIDE_ONLY[dialect.name],
    });
    try {
      await withFresh(dialect, async (backend, db) => {
        const location = { migrationsDir: scratch.root };
        const applied = await runMigrations(backend, location);
        expect(applied.map((m) => m.version)).toEqual([1, 2, 3, 4, 5, 6]);
        const other = await db.open();
        try {
          expect(await runMigrations(other, location)).toEqual([]);
        } finally {
          await other.close();
        }
        expect(await recordedVersions(backend)).toEqual([1, 2, 3, 4, 5, 6]);
        const six = (await migrationStatus(backend, location)).at(-1);
        expect(six).toMatchObject({ version: 6, state: "applied" });
        expect(six?.checksum).toMatch(/^[0-9a-f]{64}$/);
      });
    } finally {
      scratch.cleanup();
    }
  });

  test("a failing statement names the file and leaves the migration unrecorded", async () => {
    const scratch = scratchMigrations(dialect.name, {
      "006_outside.sql":
        "-- migrate:no-transaction\nCREATE TABLE outside_ok (id INTEGER);\nINSERT INTO missing_table VALUES (1);\n",
    });
    try {
      await withFresh(dialect, async (backend) => {
        const error = await runMigrations(backend, { migrationsDir: scratch.root }).catch((e: unknown) => e);
        expect((error as Error).message).toContain(`${dialect.name}/006_outside.sql`);
        expect(await recordedVersions(backend)).toEqual([1, 2, 3, 4, 5]);
      });
    } finally {
      scratch.cleanup();
    }
  });
});
