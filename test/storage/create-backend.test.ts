import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { PostgresDatabase } from "../../src/backends/postgres/index.ts";
import { SQLiteBackend } from "../../src/backends/sqlite/sqlite-backend.ts";
import { ConfigurationError, StorageError } from "../../src/errors/index.ts";
import { closeBackend, createBackend, getBackend, initBackend } from "../../src/storage/index.ts";
import { adminClient, describePostgres } from "../support/postgres.ts";
import { makeTempDir } from "../support/temp-dir.ts";

const dir = makeTempDir("malwar-storage-");
let fileCounter = 0;
const freshFile = () => dir.file(`db-${++fileCounter}.db`);
afterAll(() => dir.cleanup());

async function tableExists(db: { fetchOne: SQLiteBackend["fetchOne"] }, name: string): Promise<boolean> {
  return (
    (await db.fetchOne("SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?", [name])) !== null
  );
}

describe("createBackend on SQLite", () => {
  test("a partial config opens a new, migrated SQLite backend", async () => {
    const path = freshFile();
    const db = await createBackend({ dbPath: path });
    try {
      expect(db).toBeInstanceOf(SQLiteBackend);
      expect(db.backendName).toBe("sqlite");
      expect(await tableExists(db, "schema_migrations")).toBe(true);
      expect(await tableExists(db, "scans")).toBe(true);
      expect(await db.fetchOne("SELECT MAX(version) AS v FROM schema_migrations")).toEqual({ v: 5 });
    } finally {
      await db.close();
    }
    expect(existsSync(path)).toBe(true);
  });

  test("autoMigrate: false leaves the database empty", async () => {
    const db = await createBackend({ dbPath: freshFile(), autoMigrate: false });
    try {
      expect(await tableExists(db, "schema_migrations")).toBe(false);
    } finally {
      await db.close();
    }
  });

  test("each call returns a new backend", async () => {
    const path = freshFile();
    const a = await createBackend({ dbPath: path, autoMigrate: false });
    const b = await createBackend({ dbPath: path, autoMigrate: false });
    try {
      expect(a).not.toBe(b);
    } finally {
      await a.close();
      await b.close();
    }
  });

  test("no argument reads the environment (loadConfig)", async () => {
    const path = freshFile();
    process.env.MALWAR_DB_PATH = path;
    process.env.MALWAR_AUTO_MIGRATE = "false";
    process.env.MALWAR_DB_BACKEND = "SQLITE";
    try {
      const db = await createBackend();
      await db.execute("CREATE TABLE marker (x INTEGER)");
      await db.close();
      const again = await SQLiteBackend.open(path);
      try {
        expect(await tableExists(again, "marker")).toBe(true);
        expect(await tableExists(again, "schema_migrations")).toBe(false);
      } finally {
        await again.close();
      }
    } finally {
      delete process.env.MALWAR_DB_PATH;
      delete process.env.MALWAR_AUTO_MIGRATE;
      delete process.env.MALWAR_DB_BACKEND;
    }
  });

  test("a bad config is a ConfigurationError and opens nothing", async () => {
    const path = freshFile();
    await expect(createBackend({ dbPath: path, port: -1 })).rejects.toBeInstanceOf(ConfigurationError);
    await expect(createBackend({ backend: "postgres" })).rejects.toBeInstanceOf(ConfigurationError);
    expect(existsSync(path)).toBe(false);
  });
});

describe("initBackend / getBackend / closeBackend", () => {
  afterEach(async () => {
    await closeBackend();
  });

  test("getBackend before initBackend is a StorageError", () => {
    expect(() => getBackend()).toThrow(StorageError);
    try {
      getBackend();
    } catch (error) {
      expect((error as StorageError).code).toBe("BACKEND_NOT_INITIALIZED");
    }
  });

  test("one backend per process: init opens it, get returns it, init again returns the same", async () => {
    const db = await initBackend({ dbPath: freshFile() });
    expect(getBackend()).toBe(db);
    expect(await initBackend({ dbPath: freshFile() })).toBe(db);
    expect(await getBackend().fetchOne("SELECT COUNT(*) AS n FROM schema_migrations")).toEqual({ n: 5 });
  });

  test("concurrent first calls share one opening", async () => {
    const path = freshFile();
    const [a, b, c] = await Promise.all([
      initBackend({ dbPath: path }),
      initBackend({ dbPath: path }),
      initBackend({ dbPath: path }),
    ]);
    expect(a).toBe(b);
    expect(b).toBe(c);
  });

  test("closeBackend closes it and forgets it; a later init opens a new one", async () => {
    const first = await initBackend({ dbPath: freshFile(), autoMigrate: false });
    await closeBackend();
    expect(() => getBackend()).toThrow(StorageError);
    await expect(first.fetchOne("SELECT 1")).rejects.toBeInstanceOf(StorageError);
    await closeBackend(); // harmless when nothing is open
    const second = await initBackend({ dbPath: freshFile(), autoMigrate: false });
    expect(second).not.toBe(first);
    expect(getBackend()).toBe(second);
  });

  test("a failed init leaves nothing behind and can be retried", async () => {
    await expect(initBackend({ dbPath: "" })).rejects.toBeInstanceOf(ConfigurationError);
    expect(() => getBackend()).toThrow(StorageError);
    const db = await initBackend({ dbPath: freshFile(), autoMigrate: false });
    expect(getBackend()).toBe(db);
  });
});

describePostgres("createBackend on PostgreSQL", (getDb) => {
  test("opens a migrated PostgresDatabase from the config, pool sizes included", async () => {
    const db = await createBackend({
      backend: "postgres",
      postgresUrl: getDb().url,
      postgresPoolMin: 1,
      postgresPoolMax: 3,
      postgresConnectTimeout: 5,
    });
    try {
      expect(db).toBeInstanceOf(PostgresDatabase);
      expect(db.poolStats()).toMatchObject({ open: 1, max: 3 });
      expect(await db.fetchOne("SELECT MAX(version) AS v FROM schema_migrations")).toEqual({ v: 5 });
    } finally {
      await db.close();
    }
    const admin = adminClient();
    try {
      const rows =
        await admin`select count(*)::int as n from pg_stat_activity where datname = ${getDb().name}`;
      expect((rows[0] as { n: number }).n).toBe(0);
    } finally {
      await admin.end({ timeout: 2 });
    }
  });
});
