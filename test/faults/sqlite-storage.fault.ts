/**
 * Storage faults no retry fixes, on SQLite, for real (root: a tmpfs of our own, chattr):
 * a read-only filesystem or directory and a full disk at start stop `bun run start` with one line
 * naming the file and the cause; a file that stops being writable, or a disk that fills, while
 * the service runs makes /ready and every write answer 503 STORAGE_FAULT naming the cause (not
 * "try again later"), and both recover once the storage does.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { runCli, type StartedProcess, startCli } from "../service/support/cli-process.ts";
import { scanBody } from "../service/support/fixtures.ts";
import { makeTempDir } from "../support/temp-dir.ts";
import { mountScratch, type ScratchMount, scratchMountsAvailable } from "./support/scratch-mount.ts";

const canMount = scratchMountsAvailable();
if (!canMount) console.warn("SKIPPED: SQLite storage faults need root (mount, chattr)");
const describeRoot = canMount ? describe : describe.skip;

const HANG_BOUND_MS = 3_000;

interface Answer {
  status: number;
  body: { error?: { code?: string; message?: string } };
  ms: number;
}

async function call(url: string, init?: RequestInit): Promise<Answer> {
  const t0 = performance.now();
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  const ms = performance.now() - t0;
  let body: Answer["body"] = {};
  try {
    body = JSON.parse(text) as Answer["body"];
  } catch {
    // Not JSON: the assertions below say so through the missing error code.
  }
  return { status: res.status, body, ms };
}

function postScan(url: string): Promise<Answer> {
  const body = scanBody();
  // Large enough that a few of them fill what the WAL has left on a full disk.
  for (const f of body.findings) f.description = "d".repeat(4000);
  return call(`${url}/api/v1/scans`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

async function sh(cmd: string[]): Promise<void> {
  const proc = Bun.spawn(cmd, { stdout: "ignore", stderr: "pipe" });
  const [err, code] = await Promise.all([new Response(proc.stderr).text(), proc.exited]);
  if (code !== 0) throw new Error(`${cmd.join(" ")}: ${err}`);
}

function expectFault(answer: Answer, cause: RegExp): void {
  expect(answer.status).toBe(503);
  expect(answer.body.error?.code).toBe("STORAGE_FAULT");
  expect(answer.body.error?.message ?? "").toMatch(cause);
  expect(answer.body.error?.message ?? "").not.toMatch(/try again/i);
  expect(answer.ms).toBeLessThan(HANG_BOUND_MS);
}

/** Posts until a write fails: the WAL may still have room for a few after the disk is full. */
async function postUntilRefused(url: string, limit: number): Promise<Answer> {
  for (let i = 0; i < limit; i++) {
    const answer = await postScan(url);
    expect(answer.ms).toBeLessThan(HANG_BOUND_MS);
    if (answer.status !== 201) return answer;
  }
  throw new Error(`${limit} writes succeeded on a full disk`);
}

async function migrateOn(path: string): Promise<void> {
  const migrated = await runCli("migrate", [], { MALWAR_DB_PATH: path });
  expect(migrated.code).toBe(0);
}

describeRoot("fault: SQLite storage that cannot be written, at start", () => {
  let mount: ScratchMount;
  beforeAll(async () => {
    mount = await mountScratch(8 * 1024 * 1024);
  });
  afterAll(async () => {
    await mount?.remountReadWrite().catch(() => {});
    await mount?.cleanup();
  });

  test("a read-only filesystem: start exits 1 with one line naming the file and the cause", async () => {
    const path = mount.file("ro.db");
    await migrateOn(path);
    await mount.remountReadOnly();
    try {
      const started = await runCli("start", [], { MALWAR_DB_PATH: path, MALWAR_PORT: "0" });
      expect(started.code).toBe(1);
      const lines = started.stderr.trim().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(path);
      expect(lines[0]).toMatch(/the filesystem is read-only/);
      expect(started.stdout).not.toContain("listening");
    } finally {
      await mount.remountReadWrite();
    }
  });

  test("a full disk: start on a new file exits 1 with one line naming the file and the cause", async () => {
    const path = mount.file("full.db");
    await mount.fill();
    try {
      const started = await runCli("start", [], { MALWAR_DB_PATH: path, MALWAR_PORT: "0" });
      expect(started.code).toBe(1);
      const lines = started.stderr.trim().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(path);
      expect(lines[0]).toMatch(/the disk is full/);
    } finally {
      mount.unfill();
    }
  });

  test("a file that cannot be written: start exits 1 with one line naming the file and the cause", async () => {
    const dir = makeTempDir("malwar-rofile-");
    const path = dir.file("immutable.db");
    await migrateOn(path);
    await sh(["chattr", "+i", path]);
    try {
      const started = await runCli("start", [], { MALWAR_DB_PATH: path, MALWAR_PORT: "0" });
      expect(started.code).toBe(1);
      const lines = started.stderr.trim().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(path);
      expect(lines[0]).toMatch(/the file is not writable/);
    } finally {
      await sh(["chattr", "-i", path]);
      dir.cleanup();
    }
  });

  test("a directory that cannot be written: start exits 1 naming the file", async () => {
    const dir = makeTempDir("malwar-rodir-");
    const sub = dir.file("locked");
    mkdirSync(sub);
    await sh(["chattr", "+i", sub]);
    try {
      const path = `${sub}/new.db`;
      const started = await runCli("start", [], { MALWAR_DB_PATH: path, MALWAR_PORT: "0" });
      expect(started.code).toBe(1);
      const lines = started.stderr.trim().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(path);
      expect(lines[0]).toMatch(/its directory is not writable/);
    } finally {
      await sh(["chattr", "-i", sub]);
      dir.cleanup();
    }
  });
});

describeRoot("fault: SQLite storage that stops taking writes while the service runs", () => {
  let mount: ScratchMount;
  let service: StartedProcess | undefined;
  beforeAll(async () => {
    mount = await mountScratch(8 * 1024 * 1024);
  });
  afterAll(async () => {
    service?.proc.kill("SIGKILL");
    await service?.proc.exited;
    mount?.unfill();
    await mount?.cleanup();
  });

  test("a full disk: writes and /ready say 503 STORAGE_FAULT (disk full); both recover when space returns", async () => {
    const path = mount.file("running.db");
    service = await startCli({ MALWAR_DB_PATH: path });
    const url = service.url;
    expect((await postScan(url)).status).toBe(201);
    expect((await call(`${url}/api/v1/ready`)).status).toBe(200);

    await mount.fill();
    expectFault(await postUntilRefused(url, 200), /disk .*full/);
    // The WAL may still hold a probe's frame, so /ready is asked until it sees the full disk too.
    let ready = await call(`${url}/api/v1/ready`);
    for (let i = 0; i < 50 && ready.status === 200; i++) {
      await postScan(url);
      ready = await call(`${url}/api/v1/ready`);
    }
    expectFault(ready, /disk .*full/);
    expect(service.proc.exitCode).toBeNull();

    mount.unfill();
    const deadline = Date.now() + 5_000;
    let again = await postScan(url);
    while (again.status !== 201 && Date.now() < deadline) {
      await Bun.sleep(100);
      again = await postScan(url);
    }
    expect(again.status).toBe(201);
    expect((await call(`${url}/api/v1/ready`)).status).toBe(200);
  });
});

describeRoot("fault: SQLite file made unwritable while the service runs", () => {
  const dir = makeTempDir("malwar-immutable-");
  let service: StartedProcess | undefined;
  const path = dir.file("immutable.db");
  afterAll(async () => {
    await sh(["chattr", "-i", path, `${path}-wal`]).catch(() => {});
    service?.proc.kill("SIGKILL");
    await service?.proc.exited;
    dir.cleanup();
  });

  test("writes and /ready say 503 STORAGE_FAULT naming the cause; both recover once it is writable", async () => {
    service = await startCli({ MALWAR_DB_PATH: path });
    const url = service.url;
    expect((await postScan(url)).status).toBe(201);
    // The -shm file stays writable: it is memory-mapped, and a write to an immutable mapping is a
    // SIGBUS, which no program survives.
    await sh(["chattr", "+i", path, `${path}-wal`]);
    expectFault(await postScan(url), /cannot be read or written|read-only/);
    expectFault(await call(`${url}/api/v1/ready`), /cannot be read or written|read-only/);
    const read = await call(`${url}/api/v1/scans?limit=5`);
    expect(read.status).toBe(200);
    expect(service.proc.exitCode).toBeNull();

    await sh(["chattr", "-i", path, `${path}-wal`]);
    expect((await postScan(url)).status).toBe(201);
    expect((await call(`${url}/api/v1/ready`)).status).toBe(200);
  });
});
