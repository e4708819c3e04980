/**
 * A small tmpfs of our own, for storage faults that need a real filesystem to fail: a full disk
 * (`fill`), a read-only mount (`remountReadOnly`: only while no file on it is open for writing,
 * which is what the kernel allows). Needs root; `available()` says whether this run can.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface ScratchMount {
  readonly path: string;
  file(name: string): string;
  /** Writes zeros into a file until the filesystem has no space left. */
  fill(): Promise<void>;
  /** Removes what `fill` wrote. */
  unfill(): void;
  remountReadOnly(): Promise<void>;
  remountReadWrite(): Promise<void>;
  /** Unmounts and removes the mount point. */
  cleanup(): Promise<void>;
}

async function run(cmd: string[]): Promise<{ code: number; stderr: string }> {
  const proc = Bun.spawn(cmd, { stdout: "ignore", stderr: "pipe", stdin: "ignore" });
  const [stderr, code] = await Promise.all([new Response(proc.stderr).text(), proc.exited]);
  return { code, stderr };
}

async function must(cmd: string[]): Promise<void> {
  const { code, stderr } = await run(cmd);
  if (code !== 0) throw new Error(`${cmd.join(" ")} failed (${code}): ${stderr.trim()}`);
}

/** Root and a working `mount`: the conditions for a tmpfs of our own. */
export function scratchMountsAvailable(): boolean {
  return process.getuid?.() === 0 && Bun.which("mount") !== null;
}

export async function mountScratch(sizeBytes: number): Promise<ScratchMount> {
  const path = mkdtempSync(join(tmpdir(), "malwar-tmpfs-"));
  await must(["mount", "-t", "tmpfs", "-o", `size=${sizeBytes}`, "tmpfs", path]);
  const filler = join(path, "filler");
  return {
    path,
    file: (name) => join(path, name),
    async fill() {
      // dd stops with "No space left on device" (exit 1): that is the point.
      await run(["dd", "if=/dev/zero", `of=${filler}`, "bs=4096"]);
    },
    unfill() {
      rmSync(filler, { force: true });
    },
    remountReadOnly: () => must(["mount", "-o", "remount,ro", path]),
    remountReadWrite: () => must(["mount", "-o", "remount,rw", path]),
    async cleanup() {
      await run(["umount", path]);
      rmSync(path, { recursive: true, force: true });
    },
  };
}
