import { expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { MigrationError } from "../../src/errors/index.ts";
import { checksumOf, DEFAULT_MIGRATIONS_ROOT, loadMigrationFiles } from "../../src/migrate/index.ts";
import { splitStatements } from "../../src/migrate/split-statements.ts";
import { makeTempDir } from "../support/temp-dir.ts";

test("both dialects ship the same versions and names", async () => {
  const names = async (d: string) =>
    (await loadMigrationFiles(`${DEFAULT_MIGRATIONS_ROOT}/${d}`)).map((f) => `${f.version} ${f.name}`);
  const sqlite = await names("sqlite");
  expect(sqlite.slice(0, 7)).toEqual([
    "1 initial_schema",
    "2 api_usage_table",
    "3 audit_log_table",
    "4 api_keys_table",
    "5 scheduled_scanning_tables",
    "6 read_path_indexes",
    "7 filter_pair_indexes",
  ]);
  expect(await names("postgres")).toEqual(sqlite);
});

test("files load in version order with their checksum and transaction mode", async () => {
  const dir = makeTempDir();
  try {
    writeFileSync(dir.file("010_later.sql"), "SELECT 1;\n");
    writeFileSync(dir.file("002_index.sql"), "-- migrate:no-transaction\r\nCREATE INDEX x ON t(a);\n");
    writeFileSync(dir.file("README.md"), "not a migration");
    const files = await loadMigrationFiles(dir.path);
    expect(files.map((f) => [f.version, f.name, f.transactional])).toEqual([
      [2, "index", false],
      [10, "later", true],
    ]);
    expect(files[1]!.checksum).toBe(checksumOf("SELECT 1;\n"));
    expect(checksumOf("a\r\nb\r\n")).toBe(checksumOf("a\nb\n"));
    expect(checksumOf("a\nb\n")).not.toBe(checksumOf("a\nb \n"));
  } finally {
    dir.cleanup();
  }
});

test("a badly named file or a duplicated version is refused, naming the files", async () => {
  const dir = makeTempDir();
  try {
    writeFileSync(dir.file("001_a.sql"), "");
    writeFileSync(dir.file("1_b.sql"), "");
    const duplicate = await loadMigrationFiles(dir.path).catch((e: unknown) => e);
    expect(duplicate).toBeInstanceOf(MigrationError);
    expect((duplicate as Error).message).toMatch(/001_a\.sql.*1_b\.sql|1_b\.sql.*001_a\.sql/);
    writeFileSync(dir.file("two-dashes.sql"), "");
    const badName = await loadMigrationFiles(dir.path).catch((e: unknown) => e);
    expect((badName as Error).message).toContain("two-dashes.sql");
  } finally {
    dir.cleanup();
  }
});

test("splitStatements cuts at statement ends only", () => {
  const script = [
    "-- a comment; with a semicolon",
    "CREATE INDEX CONCURRENTLY a ON t(x);",
    "INSERT INTO t VALUES ('x;y', E'it\\'s;');",
    "DO $body$ BEGIN PERFORM 1; END $body$;",
    "/* only a comment; */",
    "SELECT 1",
  ].join("\n");
  expect(splitStatements(script, "postgres")).toEqual([
    "-- a comment; with a semicolon\nCREATE INDEX CONCURRENTLY a ON t(x)",
    "INSERT INTO t VALUES ('x;y', E'it\\'s;')",
    "DO $body$ BEGIN PERFORM 1; END $body$",
    "/* only a comment; */\nSELECT 1",
  ]);
});
