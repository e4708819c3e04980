import { describe, expect, test } from "bun:test";
import { DEFAULT_CONFIG, loadConfig, resolveConfig } from "../../src/config/index.ts";
import { ConfigurationError } from "../../src/errors/index.ts";

const PG = "postgres://malwar:Sup3rSecret@db.internal:5432/malwar";

function configError(fn: () => unknown): ConfigurationError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return error as ConfigurationError;
  }
  throw new Error("expected a ConfigurationError");
}

describe("loadConfig defaults", () => {
  test("an empty environment gives the documented defaults", () => {
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
    expect(loadConfig({})).toEqual({ ...DEFAULT_CONFIG });
  });

  test("blank values count as unset", () => {
    expect(loadConfig({ MALWAR_DB_BACKEND: "  ", MALWAR_POSTGRES_POOL_MAX: "" }).postgresPoolMax).toBe(10);
  });

  test("every variable is read, in the documented units", () => {
    expect(
      loadConfig({
        MALWAR_DB_BACKEND: "postgres",
        MALWAR_DB_PATH: ":memory:",
        MALWAR_POSTGRES_URL: PG,
        MALWAR_POSTGRES_POOL_MIN: "0",
        MALWAR_POSTGRES_POOL_MAX: "3",
        MALWAR_AUTO_MIGRATE: "no",
        MALWAR_POSTGRES_CONNECT_TIMEOUT: "2.5",
        MALWAR_POSTGRES_STATEMENT_TIMEOUT: "0",
        MALWAR_POSTGRES_PREPARE: "false",
        MALWAR_HOST: "0.0.0.0",
        MALWAR_PORT: "9000",
      }),
    ).toEqual({
      backend: "postgres",
      dbPath: ":memory:",
      postgresUrl: PG,
      postgresPoolMin: 0,
      postgresPoolMax: 3,
      autoMigrate: false,
      postgresConnectTimeout: 2.5,
      postgresStatementTimeout: 0,
      postgresPrepare: false,
      host: "0.0.0.0",
      port: 9000,
    });
  });

  test("the backend name is case-insensitive", () => {
    expect(loadConfig({ MALWAR_DB_BACKEND: "SQLite" }).backend).toBe("sqlite");
    expect(loadConfig({ MALWAR_DB_BACKEND: "PostGres", MALWAR_POSTGRES_URL: PG }).backend).toBe("postgres");
  });

  test("postgresql:// is accepted as well as postgres://", () => {
    const url = "postgresql://malwar@localhost/malwar";
    expect(loadConfig({ MALWAR_DB_BACKEND: "postgres", MALWAR_POSTGRES_URL: url }).postgresUrl).toBe(url);
  });

  for (const [word, value] of [
    ["true", true],
    ["TRUE", true],
    ["1", true],
    ["yes", true],
    ["false", false],
    ["0", false],
    ["No", false],
  ] as const) {
    test(`boolean word ${JSON.stringify(word)} is ${value}`, () => {
      expect(loadConfig({ MALWAR_AUTO_MIGRATE: word }).autoMigrate).toBe(value);
      expect(loadConfig({ MALWAR_POSTGRES_PREPARE: word }).postgresPrepare).toBe(value);
    });
  }
});

describe("the backend that is not selected has its settings ignored", () => {
  const leftovers = {
    MALWAR_POSTGRES_URL: "garbage",
    MALWAR_POSTGRES_POOL_MIN: "two",
    MALWAR_POSTGRES_POOL_MAX: "-4",
    MALWAR_POSTGRES_CONNECT_TIMEOUT: "soon",
    MALWAR_POSTGRES_STATEMENT_TIMEOUT: "-5",
    MALWAR_POSTGRES_PREPARE: "sometimes",
  };

  test("SQLite starts with garbage PostgreSQL settings; the unparsable ones are the defaults", () => {
    const config = loadConfig({ MALWAR_DB_PATH: "x.db", ...leftovers });
    expect(config.backend).toBe("sqlite");
    expect(config.dbPath).toBe("x.db");
    expect(config.postgresPoolMin).toBe(2);
    expect(config.postgresConnectTimeout).toBe(30);
    expect(config.postgresPrepare).toBe(true);
  });

  test("the same settings stop a PostgreSQL start, naming the first bad variable", () => {
    const error = configError(() => loadConfig({ MALWAR_DB_BACKEND: "postgres", ...leftovers }));
    expect(error.message).toContain("MALWAR_POSTGRES_");
  });

  test("resolveConfig (embedding) ignores them too", () => {
    expect(
      resolveConfig({ backend: "sqlite", dbPath: ":memory:", postgresUrl: "garbage", postgresPoolMax: 0 })
        .backend,
    ).toBe("sqlite");
    expect(() => resolveConfig({ backend: "postgres", postgresUrl: "garbage" })).toThrow(/postgresUrl/);
  });
});

describe("loadConfig refuses bad values, naming the variable and the value", () => {
  const cases: [string, Record<string, string>, string, string][] = [
    ["unknown backend", { MALWAR_DB_BACKEND: "mysql" }, "MALWAR_DB_BACKEND", "mysql"],
    ["non-integer pool min", { MALWAR_POSTGRES_POOL_MIN: "two" }, "MALWAR_POSTGRES_POOL_MIN", "two"],
    ["fractional pool max", { MALWAR_POSTGRES_POOL_MAX: "2.5" }, "MALWAR_POSTGRES_POOL_MAX", "2.5"],
    ["negative pool min", { MALWAR_POSTGRES_POOL_MIN: "-1" }, "MALWAR_POSTGRES_POOL_MIN", "-1"],
    ["negative pool max", { MALWAR_POSTGRES_POOL_MAX: "-4" }, "MALWAR_POSTGRES_POOL_MAX", "-4"],
    [
      "max = 0",
      { MALWAR_POSTGRES_POOL_MIN: "0", MALWAR_POSTGRES_POOL_MAX: "0" },
      "MALWAR_POSTGRES_POOL_MAX",
      "0",
    ],
    ["unknown boolean word (auto-migrate)", { MALWAR_AUTO_MIGRATE: "maybe" }, "MALWAR_AUTO_MIGRATE", "maybe"],
    [
      "unknown boolean word (prepare)",
      { MALWAR_POSTGRES_PREPARE: "sometimes" },
      "MALWAR_POSTGRES_PREPARE",
      "sometimes",
    ],
    [
      "non-numeric connect timeout",
      { MALWAR_POSTGRES_CONNECT_TIMEOUT: "soon" },
      "MALWAR_POSTGRES_CONNECT_TIMEOUT",
      "soon",
    ],
    [
      "negative statement timeout",
      { MALWAR_POSTGRES_STATEMENT_TIMEOUT: "-5" },
      "MALWAR_POSTGRES_STATEMENT_TIMEOUT",
      "-5",
    ],
    ["port out of range", { MALWAR_PORT: "70000" }, "MALWAR_PORT", "70000"],
  ];
  for (const [label, env, variable, value] of cases) {
    test(label, () => {
      // PostgreSQL settings are checked only when PostgreSQL is selected.
      const selected = variable.startsWith("MALWAR_POSTGRES_")
        ? { MALWAR_DB_BACKEND: "postgres", MALWAR_POSTGRES_URL: PG, ...env }
        : env;
      const error = configError(() => loadConfig(selected));
      expect(error.message).toContain(variable);
      expect(error.message).toContain(value);
      expect(error.code).toBe("CONFIGURATION_ERROR");
      expect(error.name).toBe("ConfigurationError");
    });
  }

  test("min > max names both variables and values", () => {
    const error = configError(() =>
      loadConfig({
        MALWAR_DB_BACKEND: "postgres",
        MALWAR_POSTGRES_URL: PG,
        MALWAR_POSTGRES_POOL_MIN: "8",
        MALWAR_POSTGRES_POOL_MAX: "4",
      }),
    );
    expect(error.message).toContain("MALWAR_POSTGRES_POOL_MIN");
    expect(error.message).toContain("MALWAR_POSTGRES_POOL_MAX");
    expect(error.message).toContain("8");
    expect(error.message).toContain("4");
  });

  test("postgres without a URL names the URL variable", () => {
    const error = configError(() => loadConfig({ MALWAR_DB_BACKEND: "postgres" }));
    expect(error.message).toContain("MALWAR_POSTGRES_URL");
  });

  for (const [label, url, shown] of [
    [
      "a URL that does not parse",
      "postgres://malwar:Sup3rSecret@db.internal:notaport/malwar",
      "db.internal:notaport",
    ],
    ["a URL with another scheme", "mysql://malwar:Sup3rSecret@db.internal/malwar", "db.internal"],
    ["a password holding a raw @", "postgres://malwar:Sup3r@Secret@db.internal:bad/malwar", "db.internal"],
    ["a password holding a raw /", "postgres://malwar:Sup3r/Secret@db.internal:bad/malwar", "db.internal"],
    ["no URL scheme at all", "malwar:Sup3rSecret@db.internal", ""],
  ] as const) {
    test(`${label}: refused, and the password is never printed`, () => {
      const error = configError(() =>
        loadConfig({ MALWAR_DB_BACKEND: "postgres", MALWAR_POSTGRES_URL: url }),
      );
      expect(error.message).toContain("MALWAR_POSTGRES_URL");
      expect(error.message).toContain(shown);
      for (const piece of ["Sup3rSecret", "Secret", "Sup3r"]) expect(error.message).not.toContain(piece);
    });
  }
});

describe("resolveConfig (createBackend's partial config)", () => {
  test("fills what is left out with the defaults", () => {
    expect(resolveConfig({ dbPath: ":memory:" })).toEqual({ ...DEFAULT_CONFIG, dbPath: ":memory:" });
    expect(resolveConfig({})).toEqual({ ...DEFAULT_CONFIG });
  });

  test("refuses the same things, naming the field", () => {
    expect(
      configError(() => resolveConfig({ backend: "postgres", postgresUrl: PG, postgresPoolMax: 0 })).message,
    ).toContain("postgresPoolMax");
    expect(configError(() => resolveConfig({ port: 70000 })).message).toContain("port");
    expect(configError(() => resolveConfig({ backend: "postgres" })).message).toContain("postgresUrl");
    const error = configError(() =>
      resolveConfig({ backend: "postgres", postgresUrl: "postgres://u:Sup3rSecret@h:x/d" }),
    );
    expect(error.message).not.toContain("Sup3rSecret");
  });
});
