import { describe, expect, test } from "bun:test";
import { loadConfig } from "../../src/config/index.ts";
import { parsePostgresUrl, postgresLocation } from "../../src/config/postgres-url.ts";
import { ConfigurationError } from "../../src/errors/index.ts";

describe("PostgreSQL URLs with several hosts", () => {
  test("the host list comes out whole, the rest of the URL as usual", () => {
    const parsed = parsePostgresUrl(
      "postgres://malwar:s3cret@db1:5432,db2:5433,[::1]:5434/malwar?target_session_attrs=read-write",
    );
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.hosts).toEqual(["db1:5432", "db2:5433", "[::1]:5434"]);
    expect(parsed.url.username).toBe("malwar");
    expect(parsed.url.password).toBe("s3cret");
    expect(parsed.url.pathname).toBe("/malwar");
    expect(parsed.url.searchParams.get("target_session_attrs")).toBe("read-write");
  });

  test("a one-host URL reads as before", () => {
    const parsed = parsePostgresUrl("postgresql://u@h:6543/db");
    expect(parsed.ok && parsed.hosts).toEqual(["h:6543"]);
    expect(parsed.ok && parsed.url.port).toBe("6543");
  });

  test("the location line names every host and never the user or password", () => {
    expect(postgresLocation("postgres://u:pw@db1:5432,db2/malwar")).toBe("db1:5432,db2/malwar");
    expect(postgresLocation("postgres://u:pw@db1:5432/malwar")).toBe("db1:5432/malwar");
  });

  test("an empty or malformed entry in the list is a syntax error", () => {
    for (const url of ["postgres://u@h1:5432,/db", "postgres://u@h1,h2:port/db", "postgres://u@h1,,h2/db"]) {
      expect(parsePostgresUrl(url)).toEqual({ ok: false, problem: "syntax" });
    }
  });

  test("configuration accepts a multi-host MALWAR_POSTGRES_URL and MALWAR_POSTGRES_READ_URL", () => {
    const url = "postgres://malwar@db1:5432,db2:5432/malwar?target_session_attrs=read-write";
    const config = loadConfig({
      MALWAR_DB_BACKEND: "postgres",
      MALWAR_POSTGRES_URL: url,
      MALWAR_POSTGRES_READ_URL: "postgres://malwar@replica:5432/malwar",
    });
    expect(config.postgresUrl).toBe(url);
    expect(config.postgresReadUrl).toBe("postgres://malwar@replica:5432/malwar");
    expect(loadConfig({}).postgresReadUrl).toBeUndefined();
  });

  test("a bad read URL is refused naming MALWAR_POSTGRES_READ_URL, without the password", () => {
    let error: unknown;
    try {
      loadConfig({
        MALWAR_DB_BACKEND: "postgres",
        MALWAR_POSTGRES_URL: "postgres://u@primary/db",
        MALWAR_POSTGRES_READ_URL: "mysql://u:hunter2@replica/db",
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(/MALWAR_POSTGRES_READ_URL must start with postgres:\/\//);
    expect((error as Error).message).not.toContain("hunter2");
  });
});
