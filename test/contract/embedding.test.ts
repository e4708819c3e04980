/**
 * The README's embedding snippet, run as written (its import pointed at this checkout): it
 * serves, and SIGTERM stops it cleanly (exit 0, the SQLite file closed without -wal/-shm left).
 */
import { afterAll, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeTempDir } from "../support/temp-dir.ts";

// Per file: Bun applies a preload's default timeout to the first file only (oven-sh/bun#43787).
setDefaultTimeout(60_000);

const ROOT = join(import.meta.dir, "../..");
const dir = makeTempDir("malwar-embed-");
afterAll(() => dir.cleanup());

function readmeSnippet(): string {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## Embedding in a Bun server"));
  const match = /```ts\n([\s\S]*?)```/.exec(section);
  if (!match) throw new Error("no ts block under 'Embedding in a Bun server'");
  return match[1] as string;
}

test("the README's embedding snippet serves and stops cleanly on SIGTERM", async () => {
  const code = readmeSnippet();
  expect(code).toContain('from "malwar-storage"');
  expect(code).toContain("service.stop(");
  expect(code).toContain("backend.close()");
  const script = dir.file("embed.ts");
  writeFileSync(
    script,
    code.replace('from "malwar-storage"', `from ${JSON.stringify(join(ROOT, "src/index.ts"))}`),
  );
  const proc = Bun.spawn([process.execPath, "--no-env-file", script], {
    cwd: dir.path,
    env: { PATH: process.env.PATH ?? "" },
    stdout: "pipe",
    stderr: "pipe",
  });
  const reader = proc.stdout.getReader();
  let out = "";
  while (!out.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) break;
    out += new TextDecoder().decode(value);
  }
  const url = /serving (http:\/\/\S+)/.exec(out)?.[1];
  expect(url).toBeDefined();
  expect((await fetch(`${url}/health`)).status).toBe(200);
  proc.kill("SIGTERM");
  const code2 = await Promise.race([proc.exited, Bun.sleep(10_000).then(() => "hung")]);
  if (code2 === "hung") proc.kill("SIGKILL");
  expect(code2).toBe(0);
  expect(existsSync(dir.file("malwar.db"))).toBe(true);
  expect(existsSync(dir.file("malwar.db-wal"))).toBe(false);
});
