import { expect, test } from "bun:test";
import { join } from "node:path";
import type { DatabaseBackend } from "../../src/backends/database-backend.ts";
import {
  DEFAULT_MIGRATIONS_ROOT,
  loadMigrationFiles,
  migrationStatus,
  runMigrations,
} from "../../src/migrate/index.ts";
import {
  count,
  eachDialect,
  PROJECT_VERSIONS,
  PYTHON_VERSIONS,
  scratchMigrations,
  withFresh,
} from "./harness.ts";

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
  const files = (await loadMigrationFiles(join(DEFAULT_MIGRATIONS_ROOT, backend.backendName))).filter((f) =>
    PYTHON_VERSIONS.includes(f.version),
  );
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

      // Only the project's migrations beyond the Python malwar's run.
      const later = PROJECT_VERSIONS.filter((v) => !PYTHON_VERSIONS.includes(v));
      expect((await runMigrations(backend)).map((m) => m.version)).toEqual(later);

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
      expect(
        rows
          .filter((r) => PYTHON_VERSIONS.includes(Number(r.version)))
          .map((r) => [Number(r.version), r.checksum, r.duration_ms]),
      ).toEqual(PYTHON_VERSIONS.map((v) => [v, null, null]));
      for (const r of rows.filter((r) => !PYTHON_VERSIONS.includes(Number(r.version))))
        expect(r.checksum).toMatch(/^[0-9a-f]{64}$/);
      const status = await migrationStatus(backend);
      expect(status.map((s) => s.state)).toEqual(PROJECT_VERSIONS.map(() => "applied"));
      expect(status.slice(0, PYTHON_VERSIONS.length).map((s) => s.appliedAt)).toEqual(
        PYTHON_VERSIONS.map(() => "2026-01-02T03:04:05.000Z"),
      );

      // Later migrations apply on top and are checksummed like any other.
      const scratch = scratchMigrations(dialect.name, {
        "900_notes.sql": "CREATE TABLE analyst_notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);\n",
      });
      try {
        const applied = await runMigrations(backend, { migrationsDir: scratch.root });
        expect(applied.map((m) => m.version)).toEqual([900]);
        const added = (await migrationStatus(backend, { migrationsDir: scratch.root })).at(-1);
        expect(added).toMatchObject({ version: 900, state: "applied" });
        expect(added?.checksum).toMatch(/^[0-9a-f]{64}$/);
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
        PROJECT_VERSIONS.map((v) =>
          PYTHON_VERSIONS.includes(v) ? [v, "applied", null] : [v, "pending", null],
        ),
      );
      const columns = await backend.fetchAll("SELECT * FROM schema_migrations WHERE version = 1");
      expect(Object.keys(columns[0]!).sort()).toEqual(["applied_at", "name", "version"]);
    });
  });
});
