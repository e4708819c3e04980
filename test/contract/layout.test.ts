/** DESIGN.md "Layout": the files named there, and where the two drivers may appear. */
import { expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";

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
    "docs/architecture.md",
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
  expect(sqlite).toEqual([
    "001_initial_schema.sql",
    "002_api_usage_table.sql",
    "003_audit_log_table.sql",
    "004_api_keys_table.sql",
    "005_scheduled_scanning_tables.sql",
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

/*
 * docs/architecture.md "Layers": repositories and the service speak only the backend contract.
 * What differs between the databases is a member of DatabaseBackend, implemented in backends/.
 */
const DIALECT_WORDS = /postgres|sqlite|json_agg|pg_notify|json_populate/i;
/** Public class and type names may be mentioned (an embedder's types), never used to branch. */
const PUBLIC_NAMES = /\b(SQLiteBackend|SQLiteOpenOptions|PostgresDatabase|PostgresOptions)\b/g;

function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|\s)\/\/.*$/gm, "$1");
}

function importsOf(text: string): string[] {
  return [...text.matchAll(/(?:from\s+|import\s*\(\s*|^import\s+)["']([^"']+)["']/gm)].map(
    (m) => m[1] as string,
  );
}

/** Each upper layer and the folders of src/ it may import, through their index.ts only. */
const ALLOWED: Record<string, readonly string[]> = {
  repositories: ["backends", "sql", "errors"],
  // log/ sits beside errors and config: the one logger of the service (and of the backends).
  service: ["repositories", "backends", "errors", "log"],
};

for (const [layer, allowed] of Object.entries(ALLOWED)) {
  const dir = join(ROOT, "src", layer);

  test(`src/${layer} names no dialect outside comments and public type names`, () => {
    const offending = sourceFiles(dir).flatMap((file) =>
      withoutComments(readFileSync(file, "utf8"))
        .split("\n")
        .map((line, i) => ({
          line: line.replace(PUBLIC_NAMES, ""),
          at: `${file.slice(ROOT.length + 1)}:${i + 1}`,
        }))
        .filter(({ line }) => DIALECT_WORDS.test(line))
        .map(({ at, line }) => `${at}: ${line.trim()}`),
    );
    expect(offending).toEqual([]);
  });

  test(`src/${layer} imports no driver, no concrete backend and no deep path of another layer`, () => {
    const offending: string[] = [];
    for (const file of sourceFiles(dir)) {
      for (const spec of importsOf(readFileSync(file, "utf8"))) {
        const where = `${file.slice(ROOT.length + 1)} imports ${spec}`;
        if (spec === "bun:sqlite" || spec === "postgres") offending.push(where);
        if (!spec.startsWith(".")) continue;
        const target = join(file, "..", spec);
        const inside = relative(join(ROOT, "src"), target).split(sep);
        if (inside[0] === layer || inside[0] === "..") continue;
        if (!allowed.includes(inside[0] as string) || inside.length !== 2 || inside[1] !== "index.ts") {
          offending.push(where);
        }
      }
    }
    expect(offending).toEqual([]);
  });
}

test("source comments point to docs/architecture.md, which exists, not to a DESIGN.md outside the repository", () => {
  const pointing = sourceFiles(join(ROOT, "src")).filter((f) =>
    readFileSync(f, "utf8").includes("DESIGN.md"),
  );
  expect(pointing.map((f) => f.slice(ROOT.length + 1))).toEqual([]);
});

test("the layout check catches what it looks for", () => {
  expect(DIALECT_WORDS.test(withoutComments("const x = sql`SELECT json_agg(f)`;"))).toBe(true);
  expect(DIALECT_WORDS.test(withoutComments("// PostgreSQL sorts by locale\nconst x = 1;"))).toBe(false);
  expect(DIALECT_WORDS.test("type B = SQLiteBackend;".replace(PUBLIC_NAMES, ""))).toBe(false);
  expect(importsOf('import { a } from "../backends/sqlite/session.ts";\nimport "postgres";')).toEqual([
    "../backends/sqlite/session.ts",
    "postgres",
  ]);
});
