import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A fresh directory under the system temp dir; `cleanup` removes it and everything in it. */
export function makeTempDir(prefix = "malwar-"): {
  path: string;
  file(name: string): string;
  cleanup(): void;
} {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return {
    path,
    file: (name: string) => join(path, name),
    cleanup: () => rmSync(path, { recursive: true, force: true }),
  };
}
