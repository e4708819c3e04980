import { expect, test } from "bun:test";
import { join } from "node:path";
import type { DatabaseBackend } from "../../src/backends/database-backend.ts";
import {
  DEFAULT_MIGRATIONS_ROOT,
  loadMigrationFiles,
  migrationStatus,
  runMigrations,
} from "../../src/migrate/index.ts";
import { count, eachDialect, scratchMigrations, withFresh } from "./harness.ts";

/** schema_migrations exactly as the Python malwar creates it: three columns, nothing else. */
const PYTHON_BOOKKEEPING = {
  sqlite: `CREATE TABLE schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL DEFAULT (datetime('now'))
  )`,
  postgres: `CREATE TABLE schema_migrations (
    version INTEGER PRIMARY KEY,
    name VARCHAR(255) NOT NULL,
    applied_at TIMESTAMP DEFAULT NOW()
  )`,
};

/** Builds what a Python-made database looks like: the schema, its bookkeeping, and some use. */
async function buildPythonDatabase(backend: DatabaseBackend): Promise<void> {
  const files = await loadMigrationFiles(join(DEFAULT_MIGRATIONS_ROOT, backend.backendName));
  for (const file of files) await backend.executeScript(file.sql);
  await backend.execute(PYTHON_BOOKKEEPING[backend.backendName]);
  for (const file of files) {
    await backend.execute("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)", [
      file.version,
      file.name,
      "2026-01-02 03:04:05",
    ]);
  }
  await backend.execute("INSERT INTO scans (id, target, status, started_at) VALUES (?, ?, ?, ?)", [
    "scan-1",
    "skills/evil/SKILL.md",
    "completed",
    "2026-01-02T03:04:05Z",
  ]);
  await backend.execute(
    `INSERT INTO findings (id, scan_id, rule_id, title, description, severity, confidence, category, detector_layer)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      "f-1",
      "scan-1",
      "MALWAR-001",
      "Curl pipe",
      "curl | sh",
      "high",
      0.9,
      "suspicious_command",
      "rule_engine",
    ],
  );
  await backend.execute("UPDATE signatures SET description = ? WHERE id = ?", [
    "edited by an analyst",
    "sig-clawhavoc-glot",
  ]);
  await backend.execute("DELETE FROM publishers WHERE id = ?", ["zaycv"]);
}

eachDialect("adopting a database made by the Python malwar", (dialect) => {
  test("keeps its rows and data, adds the migrator's columns, and judges no adopted file changed", async () => {
    await withFresh(dialect, async (backend) => {
      await buildPythonDatabase(backend);

      expect(await runMigrations(backend)).toEqual([]);

      expect(await count(backend, "scans")).toBe(1);
      expect(await count(backend, "findings")).toBe(1);
      expect(await count(backend, "publishers")).toBe(8); // the seed did not run again
      const sig = await backend.fetchOne<{ description: string }>(
        "SELECT description FROM signatures WHERE id = ?",
        ["sig-clawhavoc-glot"],
      );
      expect(sig?.description).toBe("edited by an analyst");

      const rows = await backend.fetchAll<{ version: number; checksum: string | null; duration_ms: unknown }>(
        "SELECT version, checksum, duration_ms FROM schema_migrations ORDER BY version",
      );
      expect(rows.map((r) => [Number(r.version), r.checksum, r.duration_ms])).toEqual(
        [1, 2, 3, 4, 5].map((v) => [v, null, null]),
      );
      const status = await migrationStatus(backend);
      expect(status.map((s) => s.state)).toEqual(["applied", "applied", "applied", "applied", "applied"]);
      expect(status.map((s) => s.appliedAt)).toEqual(Array(5).fill("2026-01-02T03:04:05.000Z"));

      // Later migrations apply on top and are checksummed like any other.
      const scratch = scratchMigrations(dialect.name, {
        "006_notes.sql": "CREATE TABLE analyst_notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);\n",
      });
      try {
        const applied = await runMigrations(backend, { migrationsDir: scratch.root });
        expect(applied.map((m) => m.version)).toEqual([6]);
        const six = (await migrationStatus(backend, { migrationsDir: scratch.root })).at(-1);
        expect(six).toMatchObject({ version: 6, state: "applied" });
        expect(six?.checksum).toMatch(/^[0-9a-f]{64}$/);
      } finally {
        scratch.cleanup();
      }
    });
  });

  test("status reads an unadopted three-column table without changing it", async () => {
    await withFresh(dialect, async (backend) => {
      await buildPythonDatabase(backend);
      const status = await migrationStatus(backend);
      expect(status.map((s) => [s.version, s.state, s.checksum])).toEqual(
        [1, 2, 3, 4, 5].map((v) => [v, "applied", null]),
      );
      const columns = await backend.fetchAll("SELECT * FROM schema_migrations WHERE version = 1");
      expect(Object.keys(columns[0]!).sort()).toEqual(["applied_at", "name", "version"]);
    });
  });
});
