import { accessSync, constants, statfsSync } from "node:fs";
import { dirname, resolve } from "node:path";

/**
 * Why a database file (or the directory that must hold its -wal and -shm files) cannot be
 * written, in the words an operator needs, when the filesystem can tell: SQLite itself only says
 * "unable to open database file" or "disk I/O error". Null when nothing here explains it.
 */
export function whyUnwritable(path: string): { readOnly: boolean; reason: string } | null {
  const file = resolve(path);
  const dir = dirname(file);
  for (const [target, what] of [
    [file, "the file"],
    [dir, "its directory"],
  ] as const) {
    try {
      accessSync(target, constants.W_OK);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (code === "EROFS") return { readOnly: true, reason: "the filesystem is read-only" };
      if (code === "EACCES" || code === "EPERM") return { readOnly: true, reason: `${what} is not writable` };
    }
  }
  try {
    const fs = statfsSync(dir);
    if (fs.bavail === 0) return { readOnly: false, reason: "the disk is full" };
  } catch {
    // No answer from the filesystem: SQLite's own words stand.
  }
  return null;
}
