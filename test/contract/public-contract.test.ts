/**
 * The public contract of /work/shared/DESIGN.md, checked from the outside: everything here comes
 * from src/index.ts only, the way an embedding server or an outside test sees it.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import {
  adaptNamedToPositional,
  adaptQuery,
  ConfigurationError,
  closeBackend,
  createBackend,
  DatabaseBackend,
  getBackend,
  initBackend,
  loadConfig,
  MalwarError,
  MigrationError,
  migrationStatus,
  PostgresDatabase,
  renderQuery,
  SQLiteBackend,
  SqlQuery,
  StorageError,
  sql,
} from "../../src/index.ts";
import { backendContract } from "../backends/contract.ts";
import { migrationContract } from "../migrate/contract.ts";
import { repositoryContract } from "../repositories/contract.ts";
import { adminClient, createTestDatabase, describePostgres, type TestDatabase } from "../support/postgres.ts";
import { rejectionOf, thrownBy } from "../support/rejection.ts";
import { makeTempDir } from "../support/temp-dir.ts";

// ---------------------------------------------------------------- errors

describe("error classes", () => {
  const cases = [
    [MalwarError, "MalwarError"],
    [StorageError, "StorageError"],
    [ConfigurationError, "ConfigurationError"],
    [MigrationError, "MigrationError"],
  ] as const;

  for (const [Cls, name] of cases) {
    test(`${name} has a stable name and a string code`, () => {
      const e = new Cls("boom");
      expect(e).toBeInstanceOf(Error);
      expect(e).toBeInstanceOf(MalwarError);
      expect(e.name).toBe(name);
      expect(typeof e.code).toBe("string");
      expect(e.code.length).toBeGreaterThan(0);
      expect(e.message).toBe("boom");
    });
  }

  test("hierarchy: StorageError and ConfigurationError extend MalwarError; MigrationError extends StorageError", () => {
    expect(new StorageError("x")).toBeInstanceOf(MalwarError);
    expect(new ConfigurationError("x")).toBeInstanceOf(MalwarError);
    expect(new ConfigurationError("x")).not.toBeInstanceOf(StorageError);
    expect(new MigrationError("x")).toBeInstanceOf(StorageError);
    expect(new MigrationError("x")).toBeInstanceOf(MalwarError);
  });

  test("codes differ between the classes", () => {
    const codes = new Set(cases.map(([Cls]) => new Cls("x").code));
    expect(codes.size).toBe(cases.length);
  });
});

// ---------------------------------------------------------------- configuration

describe("loadConfig", () => {
  test("defaults from an empty environment", () => {
    expect(loadConfig({})).toEqual({
      backend: "sqlite",
      dbPath: "malwar.db",
      postgresUrl: "",
      postgresPoolMin: 2,
      postgresPoolMax: 10,
      autoMigrate: true,
      postgresConnectTimeout: 30,
      postgresStatementTimeout: 30000,
      postgresPrepare: true,
      host: "127.0.0.1",
      port: 8000,
    });
  });

  test("every variable is read, with the stated units and types", () => {
    const config = loadConfig({
      MALWAR_DB_BACKEND: "PostgreS",
      MALWAR_DB_PATH: ":memory:",
      MALWAR_POSTGRES_URL: "postgresql://u:pw@db.example:5433/malwar",
      MALWAR_POSTGRES_POOL_MIN: "0",
      MALWAR_POSTGRES_POOL_MAX: "3",
      MALWAR_AUTO_MIGRATE: "no",
      MALWAR_POSTGRES_CONNECT_TIMEOUT: "5",
      MALWAR_POSTGRES_STATEMENT_TIMEOUT: "0",
      MALWAR_POSTGRES_PREPARE: "false",
      MALWAR_HOST: "0.0.0.0",
      MALWAR_PORT: "9001",
    });
    expect(config).toEqual({
      backend: "postgres",
      dbPath: ":memory:",
      postgresUrl: "postgresql://u:pw@db.example:5433/malwar",
      postgresPoolMin: 0,
      postgresPoolMax: 3,
      autoMigrate: false,
      postgresConnectTimeout: 5,
      postgresStatementTimeout: 0,
      postgresPrepare: false,
      host: "0.0.0.0",
      port: 9001,
    });
  });

  test("boolean words true/false/1/0/yes/no, case-insensitive", () => {
    for (const [word, value] of [
      ["true", true],
      ["TRUE", true],
      ["1", true],
      ["yes", true],
      ["false", false],
      ["0", false],
      ["No", false],
    ] as const) {
      expect(loadConfig({ MALWAR_AUTO_MIGRATE: word }).autoMigrate).toBe(value);
      expect(loadConfig({ MALWAR_POSTGRES_PREPARE: word }).postgresPrepare).toBe(value);
    }
  });

  test("reads process.env when called without an argument", () => {
    const saved = process.env.MALWAR_PORT;
    process.env.MALWAR_PORT = "8123";
    try {
      expect(loadConfig().port).toBe(8123);
    } finally {
      if (saved === undefined) delete process.env.MALWAR_PORT;
      else process.env.MALWAR_PORT = saved;
    }
  });

  const bad: [string, Record<string, string>, string, string][] = [
    ["unknown backend", { MALWAR_DB_BACKEND: "MongoDB" }, "MALWAR_DB_BACKEND", "MongoDB"],
    ["postgres without a URL", { MALWAR_DB_BACKEND: "postgres" }, "MALWAR_POSTGRES_URL", ""],
    [
      "a URL that does not parse",
      { MALWAR_DB_BACKEND: "postgres", MALWAR_POSTGRES_URL: "not a url" },
      "MALWAR_POSTGRES_URL",
      "not a url",
    ],
    [
      "a URL of another scheme",
      { MALWAR_DB_BACKEND: "postgres", MALWAR_POSTGRES_URL: "mysql://h/db" },
      "MALWAR_POSTGRES_URL",
      "mysql://h/db",
    ],
    ["non-integer pool min", { MALWAR_POSTGRES_POOL_MIN: "two" }, "MALWAR_POSTGRES_POOL_MIN", "two"],
    ["fractional pool max", { MALWAR_POSTGRES_POOL_MAX: "2.5" }, "MALWAR_POSTGRES_POOL_MAX", "2.5"],
    ["negative pool min", { MALWAR_POSTGRES_POOL_MIN: "-1" }, "MALWAR_POSTGRES_POOL_MIN", "-1"],
    ["negative pool max", { MALWAR_POSTGRES_POOL_MAX: "-4" }, "MALWAR_POSTGRES_POOL_MAX", "-4"],
    [
      "min > max",
      { MALWAR_POSTGRES_POOL_MIN: "5", MALWAR_POSTGRES_POOL_MAX: "4" },
      "MALWAR_POSTGRES_POOL_MIN",
      "5",
    ],
    [
      "max = 0",
      { MALWAR_POSTGRES_POOL_MIN: "0", MALWAR_POSTGRES_POOL_MAX: "0" },
      "MALWAR_POSTGRES_POOL_MAX",
      "0",
    ],
    ["unknown boolean word", { MALWAR_AUTO_MIGRATE: "maybe" }, "MALWAR_AUTO_MIGRATE", "maybe"],
    [
      "unknown boolean word (prepare)",
      { MALWAR_POSTGRES_PREPARE: "sure" },
      "MALWAR_POSTGRES_PREPARE",
      "sure",
    ],
    ["a word outside true/false/1/0/yes/no", { MALWAR_AUTO_MIGRATE: "on" }, "MALWAR_AUTO_MIGRATE", "on"],
  ];
  for (const [label, env, variable, value] of bad) {
    test(`ConfigurationError: ${label}`, () => {
      // The settings of the backend that is not selected are not validated.
      const selected =
        variable.startsWith("MALWAR_POSTGRES_") && env.MALWAR_DB_BACKEND === undefined
          ? { MALWAR_DB_BACKEND: "postgres", MALWAR_POSTGRES_URL: "postgres://u@h/db", ...env }
          : env;
      const error = thrownBy(() => loadConfig(selected));
      expect(error).toBeInstanceOf(ConfigurationError);
      const message = (error as Error).message;
      expect(message).toContain(variable);
      if (value !== "") expect(message).toContain(value);
    });
  }

  test("a refused URL never shows its password", () => {
    for (const url of ["postgres://user:s3cretpw@", "postgres://user:s3cretpw@host:notaport/db"]) {
      const error = thrownBy(() => loadConfig({ MALWAR_DB_BACKEND: "postgres", MALWAR_POSTGRES_URL: url }));
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as Error).message).toContain("MALWAR_POSTGRES_URL");
      expect((error as Error).message).not.toContain("s3cretpw");
    }
  });
});

// ---------------------------------------------------------------- queries

describe("sql tag and renderQuery", () => {
  test("values become parameters; nested queries are inlined with theirs", () => {
    const inner = sql`b = ${2}`;
    const q = sql`SELECT * FROM t WHERE a = ${1} AND ${inner} AND c = ${"x"}`;
    expect(q).toBeInstanceOf(SqlQuery);
    expect(renderQuery(q, "sqlite")).toEqual({
      text: "SELECT * FROM t WHERE a = ? AND b = ? AND c = ?",
      values: [1, 2, "x"],
    });
    expect(renderQuery(q, "postgres")).toEqual({
      text: "SELECT * FROM t WHERE a = $1 AND b = $2 AND c = $3",
      values: [1, 2, "x"],
    });
  });

  test("sql.join: default separator, string separator as raw text, SqlQuery separator", () => {
    const parts = [sql`a = ${1}`, sql`b = ${2}`];
    expect(renderQuery(sql.join(parts), "postgres").text).toBe("a = $1, b = $2");
    expect(renderQuery(sql.join(parts, " AND "), "postgres")).toEqual({
      text: "a = $1 AND b = $2",
      values: [1, 2],
    });
    expect(renderQuery(sql.join(parts, sql` OR ${0} OR `), "postgres")).toEqual({
      text: "a = $1 OR $2 OR b = $3",
      values: [1, 0, 2],
    });
  });

  test("sql.ident quotes and doubles quotes; sql.unsafe splices raw text", () => {
    expect(renderQuery(sql`SELECT ${sql.ident('we"ird')} FROM t`, "sqlite").text).toBe(
      'SELECT "we""ird" FROM t',
    );
    const q = sql`SELECT 1 ${sql.unsafe("ORDER BY 1")}`;
    expect(renderQuery(q, "postgres")).toEqual({ text: "SELECT 1 ORDER BY 1", values: [] });
  });

  test("sql.list renders ?, ?, ? and refuses an empty list", () => {
    expect(renderQuery(sql`x IN (${sql.list([1, 2, 3])})`, "sqlite")).toEqual({
      text: "x IN (?, ?, ?)",
      values: [1, 2, 3],
    });
    expect(renderQuery(sql`x IN (${sql.list(["a", "b"])})`, "postgres").text).toBe("x IN ($1, $2)");
    expect(() => sql.list([])).toThrow();
  });
});

describe("adaptQuery", () => {
  test("rewrites ? to $n for postgres, leaves sqlite unchanged, throws on another dialect", () => {
    expect(adaptQuery("SELECT ? , ?", "postgres")).toBe("SELECT $1 , $2");
    expect(adaptQuery("SELECT ? , ?", "sqlite")).toBe("SELECT ? , ?");
    expect(() => adaptQuery("SELECT ?", "mysql" as never)).toThrow();
  });

  test("leaves ? alone in literals, identifiers, comments and dollar-quoted bodies", () => {
    const text = [
      "SELECT ?, 'it''s ?', E'\\'?', \"col?\",",
      "-- a comment ?",
      "/* outer /* nested ? */ still ? */ ?,",
      "$fn$ body ? $fn$, $$ ? $$, ?",
    ].join("\n");
    const expected = [
      "SELECT $1, 'it''s ?', E'\\'?', \"col?\",",
      "-- a comment ?",
      "/* outer /* nested ? */ still ? */ $2,",
      "$fn$ body ? $fn$, $$ ? $$, $3",
    ].join("\n");
    expect(adaptQuery(text, "postgres")).toBe(expected);
  });

  test("?? is a literal ? (JSON operators)", () => {
    expect(adaptQuery("SELECT data ?? 'k', ?", "postgres")).toBe("SELECT data ? 'k', $1");
  });
});

describe("adaptNamedToPositional", () => {
  test(":name markers become positional; ::casts and literals stay", () => {
    expect(
      adaptNamedToPositional("SELECT :a::text, ':b', :c", { a: 1, c: "z", b: "unused" }, "postgres"),
    ).toEqual({ text: "SELECT $1::text, ':b', $2", values: [1, "z"] });
    expect(adaptNamedToPositional("SELECT :a, :b", { a: 1, b: 2 }, "sqlite")).toEqual({
      text: "SELECT ?, ?",
      values: [1, 2],
    });
  });

  test("a name used twice is passed twice", () => {
    expect(adaptNamedToPositional("a = :x OR b = :x", { x: 7 }, "postgres")).toEqual({
      text: "a = $1 OR b = $2",
      values: [7, 7],
    });
  });

  test("a missing name is an error", () => {
    expect(() => adaptNamedToPositional("SELECT :missing", {}, "sqlite")).toThrow();
  });
});

// ---------------------------------------------------------------- backends

describe("SQLiteBackend", () => {
  const dir = makeTempDir("malwar-contract-");
  afterAll(() => dir.cleanup());

  backendContract("SQLiteBackend", () => SQLiteBackend.open(dir.file("contract.db")), "sqlite");

  test("a parameter beyond 2^53 is a StorageError; safe integers round-trip", async () => {
    const db = await SQLiteBackend.open(":memory:");
    try {
      await db.execute("CREATE TABLE big (n INTEGER)");
      for (const big of [2n ** 53n + 1n, -(2n ** 53n) - 1n, 2n ** 63n - 1n]) {
        expect(await rejectionOf(db.execute("INSERT INTO big (n) VALUES (?)", [big]))).toBeInstanceOf(
          StorageError,
        );
      }
      expect(await db.fetchAll("SELECT n FROM big")).toEqual([]);
      await db.execute("INSERT INTO big (n) VALUES (?)", [2n ** 53n - 1n]);
      expect(await db.fetchOne("SELECT n FROM big")).toEqual({ n: Number.MAX_SAFE_INTEGER });
    } finally {
      await db.close();
    }
  });

  test("an unsafe JS number parameter beyond 2^53 is refused too", async () => {
    const db = await SQLiteBackend.open(":memory:");
    try {
      await db.execute("CREATE TABLE big (n INTEGER)");
      const error = await rejectionOf(db.execute("INSERT INTO big (n) VALUES (?)", [2 ** 60]));
      expect(error).toBeInstanceOf(StorageError);
    } finally {
      await db.close();
    }
  });

  test("WAL and foreign keys on; close() leaves no -wal/-shm files", async () => {
    const path = dir.file("wal.db");
    const db = await SQLiteBackend.open(path);
    expect(await db.fetchOne("PRAGMA journal_mode")).toEqual({ journal_mode: "wal" });
    expect(await db.fetchOne("PRAGMA foreign_keys")).toEqual({ foreign_keys: 1 });
    expect(await db.fetchOne<{ timeout: number }>("PRAGMA busy_timeout")).toEqual({ timeout: 5000 });
    await db.execute("CREATE TABLE w (x INTEGER)");
    await db.execute("INSERT INTO w VALUES (?)", [1]);
    await db.close();
    expect(existsSync(path)).toBe(true);
    expect(existsSync(`${path}-wal`)).toBe(false);
    expect(existsSync(`${path}-shm`)).toBe(false);
  });

  test("an async transaction keeps other callers' statements out until it ends", async () => {
    const db = await SQLiteBackend.open(dir.file("isolation.db"));
    try {
      await db.execute("CREATE TABLE iso (id INTEGER PRIMARY KEY, v TEXT)");
      let release!: () => void;
      const gate = new Promise<void>((r) => {
        release = r;
      });
      let entered!: () => void;
      const inside = new Promise<void>((r) => {
        entered = r;
      });
      const tx = db
        .transaction(async (t) => {
          await t.execute("INSERT INTO iso VALUES (?, ?)", [1, "tx"]);
          entered();
          await gate;
          throw new Error("rollback");
        })
        .catch(() => "rolled back");
      await inside;
      // Issued while the transaction is open: must not land inside it (and so must survive).
      const outside = db.execute("INSERT INTO iso VALUES (?, ?)", [2, "outside"]);
      release();
      expect(await tx).toBe("rolled back");
      await outside;
      expect(await db.fetchAll("SELECT id, v FROM iso ORDER BY id")).toEqual([{ id: 2, v: "outside" }]);
    } finally {
      await db.close();
    }
  });
});

describePostgres("PostgresDatabase", (pg) => {
  backendContract(
    "PostgresDatabase",
    () => PostgresDatabase.create(pg().url, { min: 1, max: 4, applicationName: "malwar_contract" }),
    "postgres",
  );

  test("create(url, {min, max}) opens min connections; int8 beyond 2^53 is a bigint", async () => {
    const db = await PostgresDatabase.create(pg().url, { min: 2, max: 3 });
    const admin = adminClient();
    try {
      expect(db).toBeInstanceOf(DatabaseBackend);
      expect(db.backendName).toBe("postgres");
      const [row] = await admin<{ n: number }[]>`
        SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE datname = ${pg().name} AND pid <> pg_backend_pid()`;
      expect(row?.n).toBeGreaterThanOrEqual(2);
      expect(await db.fetchOne("SELECT 9007199254740993::int8 AS big, 42::int8 AS small")).toEqual({
        big: 9007199254740993n,
        small: 42,
      });
      expect(await db.fetchOne("SELECT current_setting('TimeZone') AS tz")).toEqual({ tz: "UTC" });
    } finally {
      await admin.end({ timeout: 2 });
      await db.close();
    }
  });

  test("never more than max connections under load", async () => {
    const db = await PostgresDatabase.create(pg().url, { min: 1, max: 2 });
    const admin = adminClient();
    try {
      let peak = 0;
      let running = true;
      const watch = (async () => {
        while (running) {
          const [row] = await admin<{ n: number }[]>`
            SELECT count(*)::int AS n FROM pg_stat_activity
            WHERE datname = ${pg().name} AND pid <> pg_backend_pid() AND backend_type = 'client backend'`;
          peak = Math.max(peak, row?.n ?? 0);
          await Bun.sleep(5);
        }
      })();
      await Promise.all(Array.from({ length: 12 }, () => db.fetchOne("SELECT pg_sleep(0.05) AS s")));
      running = false;
      await watch;
      expect(peak).toBeGreaterThanOrEqual(1);
      expect(peak).toBeLessThanOrEqual(2);
    } finally {
      await admin.end({ timeout: 2 });
      await db.close();
    }
  });

  test("postgresStatementTimeout: the server cancels a longer statement, as a StorageError", async () => {
    const db = await createBackend({
      backend: "postgres",
      postgresUrl: pg().url,
      postgresPoolMin: 1,
      postgresPoolMax: 1,
      postgresStatementTimeout: 50,
      autoMigrate: false,
    });
    try {
      expect(await db.fetchOne("SHOW statement_timeout")).toEqual({ statement_timeout: "50ms" });
      const error = await rejectionOf(db.execute("SELECT pg_sleep(5)"));
      expect(error).toBeInstanceOf(StorageError);
      expect((error as Error).cause).toBeDefined();
      expect(await db.fetchOne("SELECT 1 AS one")).toEqual({ one: 1 });
    } finally {
      await db.close();
    }
  });

  test("server NOTICEs do not reach the console", async () => {
    const db = await PostgresDatabase.create(pg().url, { min: 1, max: 1 });
    const seen: unknown[] = [];
    const original = { log: console.log, warn: console.warn, error: console.error, info: console.info };
    const capture = (...args: unknown[]) => {
      seen.push(args);
    };
    try {
      Object.assign(console, { log: capture, warn: capture, error: capture, info: capture });
      await db.execute("DO $$ BEGIN RAISE NOTICE 'contract-notice'; END $$");
    } finally {
      Object.assign(console, original);
      await db.close();
    }
    expect(JSON.stringify(seen)).not.toContain("contract-notice");
  });

  test("only the tx handed to fn runs inside the transaction", async () => {
    const db = await PostgresDatabase.create(pg().url, { min: 1, max: 3 });
    try {
      await db.execute("CREATE TABLE only_tx (id INT PRIMARY KEY)");
      await rejectionOf(
        db.transaction(async (tx) => {
          await tx.execute("INSERT INTO only_tx VALUES (?)", [1]);
          await db.execute("INSERT INTO only_tx VALUES (?)", [2]);
          throw new Error("rollback");
        }),
      );
      expect(await db.fetchAll("SELECT id FROM only_tx ORDER BY id")).toEqual([{ id: 2 }]);
    } finally {
      await db.close();
    }
  });
});

// ---------------------------------------------------------------- storage entry points

describe("createBackend / initBackend / getBackend / closeBackend", () => {
  const dir = makeTempDir("malwar-contract-storage-");
  afterAll(async () => {
    await closeBackend();
    dir.cleanup();
  });

  test("getBackend() before init is a StorageError", async () => {
    await closeBackend();
    const error = thrownBy(() => getBackend());
    expect(error).toBeInstanceOf(StorageError);
  });

  test("createBackend(partial config) fills defaults and migrates", async () => {
    const db = await createBackend({ dbPath: dir.file("create.db") });
    try {
      expect(db).toBeInstanceOf(SQLiteBackend);
      expect(db.backendName).toBe("sqlite");
      const status = await migrationStatus(db);
      expect(status.map((s) => s.state)).toEqual(["applied", "applied", "applied", "applied", "applied"]);
    } finally {
      await db.close();
    }
  });

  test("createBackend with autoMigrate false leaves migrations pending", async () => {
    const db = await createBackend({ dbPath: dir.file("nomigrate.db"), autoMigrate: false });
    try {
      const status = await migrationStatus(db);
      expect(status.map((s) => s.state)).toEqual(["pending", "pending", "pending", "pending", "pending"]);
    } finally {
      await db.close();
    }
  });

  test("createBackend refuses a bad partial config with a ConfigurationError", async () => {
    expect(await rejectionOf(createBackend({ backend: "postgres" }))).toBeInstanceOf(ConfigurationError);
    expect(
      await rejectionOf(
        createBackend({
          backend: "postgres",
          postgresUrl: "postgres://u@h/db",
          postgresPoolMin: 3,
          postgresPoolMax: 2,
        }),
      ),
    ).toBeInstanceOf(ConfigurationError);
    expect(await rejectionOf(createBackend({ dbPath: "" }))).toBeInstanceOf(ConfigurationError);
  });

  test("createBackend() with no argument reads the MALWAR_* environment", async () => {
    const saved = { ...process.env };
    process.env.MALWAR_DB_BACKEND = "sqlite";
    process.env.MALWAR_DB_PATH = dir.file("from-env.db");
    process.env.MALWAR_AUTO_MIGRATE = "false";
    try {
      const db = await createBackend();
      await db.close();
      expect(existsSync(dir.file("from-env.db"))).toBe(true);
    } finally {
      for (const key of ["MALWAR_DB_BACKEND", "MALWAR_DB_PATH", "MALWAR_AUTO_MIGRATE"]) {
        if (saved[key] === undefined) delete process.env[key];
        else process.env[key] = saved[key];
      }
    }
  });

  test("initBackend keeps one per process; closeBackend releases it", async () => {
    const a = await initBackend({ dbPath: dir.file("process.db") });
    const b = await initBackend({ dbPath: dir.file("process.db") });
    expect(a).toBe(b);
    expect(getBackend()).toBe(a);
    expect(await a.fetchOne("SELECT 1 AS one")).toEqual({ one: 1 });
    await closeBackend();
    expect(thrownBy(() => getBackend())).toBeInstanceOf(StorageError);
  });
});

// ---------------------------------------------------------------- migrations

describe("migrations on SQLite", () => {
  const dir = makeTempDir("malwar-contract-migrate-");
  afterAll(() => dir.cleanup());
  let n = 0;
  migrationContract(() => SQLiteBackend.open(dir.file(`m${n++}.db`)));
});

describePostgres("migrations on PostgreSQL", () => {
  const made: TestDatabase[] = [];
  afterAll(async () => {
    for (const db of made) await db.drop();
  });
  migrationContract(async () => {
    const db = await createTestDatabase("malwar_contract");
    made.push(db);
    return PostgresDatabase.create(db.url, { min: 1, max: 2 });
  });
});

// ---------------------------------------------------------------- repositories

describe("repositories on SQLite", () => {
  const dir = makeTempDir("malwar-contract-repo-");
  afterAll(() => dir.cleanup());
  repositoryContract(() => createBackend({ dbPath: dir.file("repo.db") }));
});

describePostgres("repositories on PostgreSQL", (pg) => {
  repositoryContract(() =>
    createBackend({ backend: "postgres", postgresUrl: pg().url, postgresPoolMin: 1, postgresPoolMax: 3 }),
  );
});
