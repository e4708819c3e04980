import { expect, test } from "bun:test";
import { MigrationError } from "../../src/errors/index.ts";
import { migrationStatus, runMigrations } from "../../src/migrate/index.ts";
import {
  count,
  eachDialect,
  recordedVersions,
  scratchMigrations,
  tableExists,
  withFresh,
} from "./harness.ts";

const NAMES = [
  "initial_schema",
  "api_usage_table",
  "audit_log_table",
  "api_keys_table",
  "scheduled_scanning_tables",
];

eachDialect("runMigrations", (dialect) => {
  test("applies 001-005 with the seed rows; a second run changes nothing", async () => {
    await withFresh(dialect, async (backend) => {
      const applied = await runMigrations(backend);
      expect(applied.map((m) => [m.version, m.name])).toEqual(NAMES.map((name, i) => [i + 1, name]));
      for (const m of applied) {
        expect(m.file).toBe(`${dialect.name}/00${m.version}_${m.name}.sql`);
        expect(m.durationMs).toBeGreaterThanOrEqual(0);
      }
      const counts = async () => [
        await count(backend, "campaigns"),
        await count(backend, "signatures"),
        await count(backend, "publishers"),
      ];
      expect(await counts()).toEqual([3, 12, 9]);
      const before = await backend.fetchAll("SELECT * FROM schema_migrations ORDER BY version");

      expect(await runMigrations(backend)).toEqual([]);
      expect(await counts()).toEqual([3, 12, 9]);
      expect(await backend.fetchAll("SELECT * FROM schema_migrations ORDER BY version")).toEqual(before);
      const status = await migrationStatus(backend);
      expect(status.map((s) => [s.version, s.state])).toEqual([1, 2, 3, 4, 5].map((v) => [v, "applied"]));
      for (const s of status) {
        expect(s.appliedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
        expect(s.checksum).toMatch(/^[0-9a-f]{64}$/);
      }
    });
  });

  test("seed rows keep their values: JSON arrays as text, regex backslashes, threat-actor flags", async () => {
    await withFresh(dialect, async (backend) => {
      await runMigrations(backend);
      const campaign = await backend.fetchOne<{ iocs: string; total_skills_affected: number }>(
        "SELECT iocs, total_skills_affected FROM campaigns WHERE id = ?",
        ["campaign-clawhavoc-001"],
      );
      expect(JSON.parse(campaign!.iocs)).toContain("91.92.242.30");
      expect(JSON.parse(campaign!.iocs)).toHaveLength(8);
      expect(Number(campaign!.total_skills_affected)).toBe(824);
      const regex = await backend.fetchOne<{ pattern_value: string; enabled: unknown }>(
        "SELECT pattern_value, enabled FROM signatures WHERE id = ?",
        ["sig-snyktoxic-gas-exfil"],
      );
      expect(regex!.pattern_value).toBe("script\\.google\\.com/macros/s/[A-Za-z0-9_-]+/exec");
      expect(Boolean(regex!.enabled)).toBe(true);
      const actors = await backend.fetchAll<{ is_known_threat_actor: unknown; reputation_score: number }>(
        "SELECT is_known_threat_actor, reputation_score FROM publishers",
      );
      expect(actors.every((p) => Boolean(p.is_known_threat_actor) && Number(p.reputation_score) === 0)).toBe(
        true,
      );
    });
  });

  test("a failing 006 leaves no trace and 001-005 applied; the error names the file", async () => {
    const scratch = scratchMigrations(dialect.name, {
      "006_broken.sql":
        "CREATE TABLE doomed (id INTEGER PRIMARY KEY);\nINSERT INTO doomed (id) VALUES (1);\nINSERT INTO no_such_table (id) VALUES (1);\n",
    });
    try {
      await withFresh(dialect, async (backend) => {
        const error = await runMigrations(backend, { migrationsDir: scratch.root }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(MigrationError);
        expect((error as MigrationError).message).toContain(`${dialect.name}/006_broken.sql`);
        expect((error as MigrationError).cause).toBeDefined();
        expect(await recordedVersions(backend)).toEqual([1, 2, 3, 4, 5]);
        expect(await tableExists(backend, "doomed")).toBe(false);
        expect(await count(backend, "signatures")).toBe(12);
        const status = await migrationStatus(backend, { migrationsDir: scratch.root });
        expect(status.at(-1)).toMatchObject({ version: 6, state: "pending", appliedAt: null });
      });
    } finally {
      scratch.cleanup();
    }
  });

  test("a changed applied file stops the run, naming it, and status says changed", async () => {
    const scratch = scratchMigrations(dialect.name);
    try {
      await withFresh(dialect, async (backend) => {
        const location = { migrationsDir: scratch.root };
        await runMigrations(backend, location);
        const original = await Bun.file(`${scratch.dir}/003_audit_log_table.sql`).text();

        // Line endings alone are not a change (a CRLF checkout of the same file).
        scratch.write("003_audit_log_table.sql", original.replace(/\n/g, "\r\n"));
        expect(await runMigrations(backend, location)).toEqual([]);

        scratch.write(
          "003_audit_log_table.sql",
          `${original}\nCREATE INDEX idx_extra ON audit_log(action);\n`,
        );
        scratch.write("006_later.sql", "CREATE TABLE later (id INTEGER PRIMARY KEY);\n");
        const error = await runMigrations(backend, location).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(MigrationError);
        expect((error as Error).message).toContain(`${dialect.name}/003_audit_log_table.sql`);
        expect(await tableExists(backend, "later")).toBe(false);
        const states = (await migrationStatus(backend, location)).map((s) => [s.version, s.state]);
        expect(states).toEqual([
          [1, "applied"],
          [2, "applied"],
          [3, "changed"],
          [4, "applied"],
          [5, "applied"],
          [6, "pending"],
        ]);
      });
    } finally {
      scratch.cleanup();
    }
  });

  test("a gap below the highest applied version is pending and gets applied, not skipped", async () => {
    const scratch = scratchMigrations(dialect.name, {}, { without: [3] });
    try {
      await withFresh(dialect, async (backend) => {
        const location = { migrationsDir: scratch.root };
        expect((await runMigrations(backend, location)).map((m) => m.version)).toEqual([1, 2, 4, 5]);
        const full = scratchMigrations(dialect.name);
        try {
          const states = (await migrationStatus(backend, { migrationsDir: full.root })).map((s) => s.state);
          expect(states).toEqual(["applied", "applied", "pending", "applied", "applied"]);
          const applied = await runMigrations(backend, { migrationsDir: full.root });
          expect(applied.map((m) => m.version)).toEqual([3]);
          expect(await tableExists(backend, "audit_log")).toBe(true);
        } finally {
          full.cleanup();
        }
        // Back on the folder that lacks 003: the recorded version with no file is reported.
        const status = await migrationStatus(backend, location);
        expect(status.find((s) => s.version === 3)).toMatchObject({ state: "missing", file: null });
      });
    } finally {
      scratch.cleanup();
    }
  });

  // In one process SQLite's connections never interleave inside a migration (bun:sqlite is
  // synchronous), so this proves nothing there; the four-process CLI test covers SQLite.
  test.skipIf(dialect.name === "sqlite")(
    "concurrent runners on one database apply each migration exactly once",
    async () => {
      await withFresh(dialect, async (first, db) => {
        const others = [await db.open(), await db.open()];
        try {
          const results = await Promise.all([first, ...others].map((b) => runMigrations(b)));
          const versions = results.flat().map((m) => m.version);
          expect(versions.sort()).toEqual([1, 2, 3, 4, 5]);
          expect(await recordedVersions(first)).toEqual([1, 2, 3, 4, 5]);
          expect(await count(first, "signatures")).toBe(12);
        } finally {
          for (const b of others) await b.close();
        }
      });
    },
  );
});
