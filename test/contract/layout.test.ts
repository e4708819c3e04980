/** DESIGN.md "Layout": the files named there, and where the two drivers may appear. */
import { expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

// Per file: Bun applies a preload's default timeout to the first file only (oven-sh/bun#43787).
setDefaultTimeout(60_000);

const ROOT = join(import.meta.dir, "../..");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith(".ts") ? [path] : [];
  });
}

test("the files DESIGN.md lists exist", () => {
  for (const file of [
    "package.json",
    "tsconfig.json",
    "bunfig.toml",
    "compose.yaml",
    "Dockerfile",
    ".env.example",
    "README.md",
    "src",
    "migrations",
    "test",
    "bench",
    ".ci/run",
    "src/index.ts",
  ]) {
    expect(existsSync(join(ROOT, file))).toBe(true);
  }
});

test("package.json names the scripts the contract runs", () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
    scripts: Record<string, string>;
  };
  for (const script of ["start", "migrate", "keys"]) expect(typeof pkg.scripts[script]).toBe("string");
});

test("migrations: the same versions and names on both dialects", () => {
  const sqlite = readdirSync(join(ROOT, "migrations/sqlite"))
    .filter((f) => f.endsWith(".sql"))
    .sort();
  const postgres = readdirSync(join(ROOT, "migrations/postgres"))
    .filter((f) => f.endsWith(".sql"))
    .sort();
  expect(sqlite).toEqual(postgres);
  expect(sqlite.slice(0, 6)).toEqual([
    "001_initial_schema.sql",
    "002_api_usage_table.sql",
    "003_audit_log_table.sql",
    "004_api_keys_table.sql",
    "005_scheduled_scanning_tables.sql",
    "006_read_path_indexes.sql",
  ]);
});

test("`bun:sqlite` appears in one file under src/, `postgres` in one (imported lazily)", () => {
  const files = sourceFiles(join(ROOT, "src"));
  const withSqlite = files.filter((f) => readFileSync(f, "utf8").includes("bun:sqlite"));
  expect(withSqlite).toHaveLength(1);
  const importsPostgres = files.filter((f) =>
    /(from\s+|import\s*\(\s*)["']postgres["']/.test(readFileSync(f, "utf8")),
  );
  expect(importsPostgres).toHaveLength(1);
  const text = readFileSync(importsPostgres[0] as string, "utf8");
  // Only a type-only static import is allowed; the value comes from a dynamic import().
  expect(text).not.toMatch(/^import\s+(?!type\b)[^;]*from\s+["']postgres["']/m);
  expect(text).toMatch(/import\(\s*["']postgres["']\s*\)/);
});
