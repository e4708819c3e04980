/**
 * A real install without the optional `postgres` package: the project is copied to a temp dir
 * whose node_modules holds every installed package but that one, and a fresh `bun` process asks
 * for the PostgreSQL backend there.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { cpSync, existsSync, mkdirSync, readdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { makeTempDir } from "../support/temp-dir.ts";

const ROOT = join(import.meta.dir, "../..");
const dir = makeTempDir("malwar-no-pg-");

beforeAll(() => {
  for (const entry of ["src", "migrations", "package.json", "tsconfig.json"]) {
    if (existsSync(join(ROOT, entry))) cpSync(join(ROOT, entry), join(dir.path, entry), { recursive: true });
  }
  const modules = join(dir.path, "node_modules");
  mkdirSync(modules);
  for (const name of readdirSync(join(ROOT, "node_modules"))) {
    if (name === "postgres" || name === ".cache") continue;
    symlinkSync(join(ROOT, "node_modules", name), join(modules, name));
  }
});

afterAll(() => dir.cleanup());

function runInCopy(code: string) {
  // --no-install: Bun must not fetch the missing package on its own.
  const child = Bun.spawnSync(["bun", "--no-install", "-e", code], {
    cwd: dir.path,
    env: { ...process.env, MALWAR_DEBUG: "" },
    stdout: "pipe",
    stderr: "pipe",
  });
  return { exitCode: child.exitCode, stdout: child.stdout.toString(), stderr: child.stderr.toString() };
}

test("the copy really lacks the package", () => {
  expect(existsSync(join(dir.path, "node_modules", "postgres"))).toBe(false);
  const probe = runInCopy(
    `import("postgres").then(() => console.log("found"), () => console.log("missing"))`,
  );
  expect(probe.stdout.trim()).toBe("missing");
});

test("createBackend for postgres fails with the exact install hint as a StorageError", () => {
  const run = runInCopy(`
    const { createBackend } = await import("./src/storage/index.ts");
    const { StorageError } = await import("./src/errors/index.ts");
    try {
      await createBackend({ backend: "postgres", postgresUrl: "postgres://malwar:pw-secret@127.0.0.1:5432/malwar", autoMigrate: false });
      console.log(JSON.stringify({ opened: true }));
    } catch (error) {
      console.log(JSON.stringify({ isStorageError: error instanceof StorageError, name: error.name, message: error.message }));
    }
  `);
  expect(run.stderr).toBe("");
  const out = JSON.parse(run.stdout.trim().split("\n").pop() as string);
  expect(out).toEqual({
    isStorageError: true,
    name: "StorageError",
    message:
      "PostgreSQL backend requires the 'postgres' package.\nInstall it with: bun install (it is an optional dependency: run it without --omit optional)",
  });
});

test("SQLite still works without the package", () => {
  const run = runInCopy(`
    const { createBackend } = await import("./src/storage/index.ts");
    const db = await createBackend({ backend: "sqlite", dbPath: ":memory:", autoMigrate: false });
    console.log(JSON.stringify(await db.fetchOne("select 1 as x")));
    await db.close();
  `);
  expect(run.stderr).toBe("");
  expect(run.exitCode).toBe(0);
  expect(JSON.parse(run.stdout.trim())).toEqual({ x: 1 });
});
