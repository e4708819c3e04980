/**
 * PostgreSQL selected without the optional `postgres` package: a copy of the project whose
 * node_modules lacks it, run the way an operator would (`bun run migrate` / `bun run start`).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { cpSync, existsSync, mkdirSync, readdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { makeTempDir } from "../support/temp-dir.ts";

const ROOT = join(import.meta.dir, "../..");
const MESSAGE =
  "PostgreSQL backend requires the 'postgres' package.\nInstall it with: bun install (it is an optional dependency: run it without --omit optional)";

describe("postgres package missing", () => {
  const dir = makeTempDir("malwar-contract-nodriver-");
  beforeAll(() => {
    for (const entry of ["src", "migrations", "package.json", "tsconfig.json"]) {
      cpSync(join(ROOT, entry), join(dir.path, entry), { recursive: true });
    }
    if (existsSync(join(ROOT, "data")))
      cpSync(join(ROOT, "data"), join(dir.path, "data"), { recursive: true });
    // Everything the runtime needs except `postgres` (a present node_modules also keeps Bun
    // from auto-installing it).
    mkdirSync(join(dir.path, "node_modules"));
    for (const entry of readdirSync(join(ROOT, "node_modules"))) {
      if (entry !== "postgres")
        symlinkSync(join(ROOT, "node_modules", entry), join(dir.path, "node_modules", entry));
    }
  });
  afterAll(() => dir.cleanup());

  for (const script of [["migrate"], ["start"]]) {
    test(`bun run ${script.join(" ")} prints the install hint and exits non-zero`, async () => {
      const env: Record<string, string> = {};
      for (const [k, v] of Object.entries(process.env)) {
        if (!k.startsWith("MALWAR_") && v !== undefined) env[k] = v;
      }
      const proc = Bun.spawn([process.execPath, "run", ...script], {
        cwd: dir.path,
        env: {
          ...env,
          MALWAR_DB_BACKEND: "postgres",
          MALWAR_POSTGRES_URL: "postgres://malwar:pw@127.0.0.1:1/malwar",
          MALWAR_PORT: "0",
        },
        stdout: "pipe",
        stderr: "pipe",
      });
      const [stderr, code] = await Promise.all([new Response(proc.stderr).text(), proc.exited]);
      expect(code).not.toBe(0);
      expect(stderr).toContain(MESSAGE);
    });
  }
});
