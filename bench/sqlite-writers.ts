/**
 * SQLite write-path measurements (issue 15 item 3, issue 11 item 4), each comparing source trees
 * side by side in one run so the machine's noise falls on both alike:
 *
 *   bun run bench/sqlite-writers.ts http [--roots base=/tmp/base,new=.] [--seconds 5] [--rounds 3]
 *       POST /scans (10 findings) through `bun run start` of each tree, wrk with 1 and 20 clients.
 *   bun run bench/sqlite-writers.ts w5 [--roots …] [--rounds 5] [--count 3000] [--workers 20]
 *       ApiUsageRepository.record: sequential, then the same rows from 20 concurrent callers.
 *   bun run bench/sqlite-writers.ts wal [--root .] [--seconds 60] [--processes 4]
 *       four services on one file, writers and readers on each; the -wal file's largest size,
 *       5xx answers, SQLITE_BUSY in the services' logs, and every 201 scan read back whole.
 *
 * A root is a checkout of this repository (`git worktree add /tmp/base <commit>`). Rounds rotate
 * which tree goes first; ratios are per round, and the median is printed.
 */
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { makeScans } from "./fixtures.ts";

interface Args {
  mode: string;
  flags: Map<string, string>;
}

function parseArgs(argv: readonly string[]): Args {
  const [mode = "", ...rest] = argv;
  const flags = new Map<string, string>();
  for (let i = 0; i < rest.length; i++) {
    const key = rest[i] as string;
    if (!key.startsWith("--")) throw new Error(`unexpected argument ${key}`);
    flags.set(key.slice(2), rest[i + 1] ?? "");
    i++;
  }
  return { mode, flags };
}

function roots(flags: Map<string, string>): [string, string][] {
  const text = flags.get("roots") ?? "base=/tmp/base,new=.";
  return text.split(",").map((pair) => {
    const [name, dir] = pair.split("=");
    if (name === undefined || dir === undefined) throw new Error(`--roots wants name=dir pairs, got ${pair}`);
    return [name, resolve(dir)];
  });
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function freePort(): Promise<number> {
  const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response("") });
  const port = server.port as number;
  await server.stop(true);
  return port;
}

interface Service {
  url: string;
  proc: Bun.Subprocess<"ignore", "pipe", "pipe">;
  stderr: () => string;
  stop(): Promise<number>;
}

/** `bun run start` of `root` on `dbPath`; resolves once it prints its URL. */
async function startService(
  root: string,
  dbPath: string,
  env: Record<string, string> = {},
): Promise<Service> {
  const port = await freePort();
  const proc = Bun.spawn([process.execPath, "run", "src/cli/start.ts"], {
    cwd: root,
    env: {
      ...process.env,
      MALWAR_DB_PATH: dbPath,
      MALWAR_PORT: String(port),
      MALWAR_HOST: "127.0.0.1",
      ...env,
    },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  let err = "";
  void (async () => {
    for await (const chunk of proc.stderr) err += new TextDecoder().decode(chunk);
  })();
  const reader = proc.stdout.getReader();
  let out = "";
  const deadline = Date.now() + 20_000;
  while (!out.includes("listening on")) {
    if (Date.now() > deadline) throw new Error(`service did not start: ${out} ${err}`);
    const { value, done } = await reader.read();
    if (done) throw new Error(`service exited: ${out} ${err}`);
    out += new TextDecoder().decode(value);
  }
  void (async () => {
    for (;;) if ((await reader.read()).done) return;
  })();
  return {
    url: `http://127.0.0.1:${port}`,
    proc,
    stderr: () => err,
    async stop() {
      proc.kill("SIGTERM");
      return await proc.exited;
    },
  };
}

function scanTemplate(): string {
  const [sample] = makeScans(1, 10, 7, "tpl");
  if (sample === undefined) throw new Error("no sample scan");
  return JSON.stringify({
    ...sample,
    id: "__SCAN_ID__",
    findings: sample.findings.map((f, k) => ({ ...f, id: `__SCAN_ID__-f${k}` })),
  });
}

interface WrkResult {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

async function wrkPost(url: string, templatePath: string, prefix: string, clients: number, seconds: number) {
  const lua = join(import.meta.dir, "http", "post.lua");
  const proc = Bun.spawn(
    [
      "wrk",
      `-t${Math.min(2, clients)}`,
      `-c${clients}`,
      `-d${seconds}s`,
      "--timeout",
      "10s",
      "-s",
      lua,
      url,
      "--",
      templatePath,
      prefix,
    ],
    { stdout: "pipe", stderr: "pipe" },
  );
  const out = await new Response(proc.stdout).text();
  await proc.exited;
  const line = out.split("\n").find((l) => l.startsWith("BENCHJSON "));
  if (line === undefined) throw new Error(`wrk failed: ${out}`);
  const r = JSON.parse(line.slice(10)) as {
    requests: number;
    duration_us: number;
    p50_us: number;
    p99_us: number;
    errors: Record<string, number>;
  };
  return {
    rps: r.requests / (r.duration_us / 1e6),
    p50Ms: r.p50_us / 1000,
    p99Ms: r.p99_us / 1000,
    errors: Object.values(r.errors).reduce((a, b) => a + b, 0),
  } satisfies WrkResult;
}

async function http(flags: Map<string, string>): Promise<void> {
  const trees = roots(flags);
  const seconds = Number(flags.get("seconds") ?? 5);
  const rounds = Number(flags.get("rounds") ?? 3);
  const clientCounts = (flags.get("clients") ?? "1,20").split(",").map(Number);
  const dir = mkdtempSync(join(tmpdir(), "malwar-writers-"));
  const templatePath = join(dir, "scan.json");
  writeFileSync(templatePath, scanTemplate());
  const results = new Map<string, WrkResult[]>();
  try {
    for (let round = 0; round < rounds; round++) {
      const order = trees.map((_, i) => trees[(i + round) % trees.length] as [string, string]);
      for (const [name, root] of order) {
        const db = join(dir, `${name}-${round}.db`);
        const service = await startService(root, db);
        try {
          await wrkPost(service.url, templatePath, `warm${round}`, 4, 1);
          for (const clients of clientCounts) {
            const r = await wrkPost(service.url, templatePath, `r${round}c${clients}`, clients, seconds);
            const key = `${name} c${clients}`;
            results.set(key, [...(results.get(key) ?? []), r]);
            console.log(
              `round ${round} ${key}: ${r.rps.toFixed(0)} req/s p50 ${r.p50Ms.toFixed(2)} ms p99 ${r.p99Ms.toFixed(2)} ms errors ${r.errors}`,
            );
          }
        } finally {
          await service.stop();
          for (const suffix of ["", "-wal", "-shm"]) rmSync(db + suffix, { force: true });
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log("\nmedians over rounds:");
  for (const [key, rs] of results) {
    console.log(
      `${key}: ${median(rs.map((r) => r.rps)).toFixed(0)} req/s, p99 ${median(rs.map((r) => r.p99Ms)).toFixed(2)} ms`,
    );
  }
  const base = trees[0]?.[0];
  const first = clientCounts[0];
  const last = clientCounts[clientCounts.length - 1];
  if (base !== undefined) {
    const baseOne = results.get(`${base} c${first}`) ?? [];
    for (const [name] of trees) {
      const many = results.get(`${name} c${last}`) ?? [];
      const one = results.get(`${name} c${first}`) ?? [];
      const ratio = median(many.map((r, i) => r.rps / (baseOne[i]?.rps ?? Number.NaN)));
      const p99 = median(one.map((r, i) => r.p99Ms / (baseOne[i]?.p99Ms ?? Number.NaN)));
      console.log(
        `${name}: ${last} clients / ${base} 1 client = ×${ratio.toFixed(2)}; 1-client p99 / ${base}'s = ${p99.toFixed(2)}`,
      );
    }
  }
}

interface UsageModule {
  SQLiteBackend: { open(path: string): Promise<{ close(): Promise<void> }> };
  runMigrations(db: unknown): Promise<unknown>;
  ApiUsageRepository: new (
    db: unknown,
  ) => {
    record(u: { api_key: string; endpoint: string; method: string; status_code: number }): Promise<void>;
  };
}

async function w5(flags: Map<string, string>): Promise<void> {
  const trees = roots(flags);
  const rounds = Number(flags.get("rounds") ?? 5);
  const count = Number(flags.get("count") ?? 3000);
  const workers = Number(flags.get("workers") ?? 20);
  const modules = new Map<string, UsageModule>();
  for (const [name, root] of trees)
    modules.set(name, (await import(join(root, "src/index.ts"))) as UsageModule);
  const dir = mkdtempSync(join(tmpdir(), "malwar-w5-"));
  const rows = Array.from({ length: count }, (_, i) => ({
    api_key: `key-${i % 7}`,
    endpoint: `/api/v1/scans/${i}`,
    method: "GET",
    status_code: 200,
  }));
  const ratios = new Map<string, number[]>();
  const rates = new Map<string, number[]>();
  try {
    for (let round = 0; round < rounds; round++) {
      const order = trees.map((_, i) => trees[(i + round) % trees.length] as [string, string]);
      for (const [name] of order) {
        const m = modules.get(name) as UsageModule;
        const path = join(dir, `${name}-${round}.db`);
        const db = await m.SQLiteBackend.open(path);
        await m.runMigrations(db);
        const repo = new m.ApiUsageRepository(db);
        Bun.gc(true);
        let t0 = performance.now();
        for (const u of rows) await repo.record(u);
        const sequential = count / ((performance.now() - t0) / 1000);
        Bun.gc(true);
        let next = 0;
        t0 = performance.now();
        await Promise.all(
          Array.from({ length: workers }, async () => {
            while (next < rows.length) await repo.record(rows[next++] as (typeof rows)[number]);
          }),
        );
        const concurrent = count / ((performance.now() - t0) / 1000);
        await db.close();
        ratios.set(name, [...(ratios.get(name) ?? []), concurrent / sequential]);
        rates.set(`${name} sequential`, [...(rates.get(`${name} sequential`) ?? []), sequential]);
        rates.set(`${name} ×${workers}`, [...(rates.get(`${name} ×${workers}`) ?? []), concurrent]);
        console.log(
          `round ${round} ${name}: sequential ${sequential.toFixed(0)} ops/s, ${workers} callers ${concurrent.toFixed(0)} ops/s (×${(concurrent / sequential).toFixed(2)})`,
        );
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log("\nmedians over rounds:");
  for (const [key, xs] of rates) console.log(`${key}: ${median(xs).toFixed(0)} ops/s`);
  for (const [name, xs] of ratios)
    console.log(`${name}: ${workers} callers / sequential ×${median(xs).toFixed(2)}`);
}

/** Four services on one file: writers post scans, readers read them back and list. */
export async function walRun(options: {
  root: string;
  seconds: number;
  processes: number;
  writers: number;
  readers: number;
  log?: (line: string) => void;
}): Promise<{
  maxWalBytes: number;
  posted: number;
  reads: number;
  status5xx: number;
  otherErrors: number;
  busyInLogs: number;
  missing: number;
  slowestMs: number;
}> {
  const log = options.log ?? console.log;
  const dir = mkdtempSync(join(tmpdir(), "malwar-wal-"));
  const db = join(dir, "shared.db");
  const services: Service[] = [];
  const template = scanTemplate();
  const acknowledged: { id: string; findings: number; service: number }[] = [];
  let reads = 0;
  let status5xx = 0;
  let otherErrors = 0;
  let maxWal = 0;
  let slowest = 0;
  let stop = false;
  try {
    services.push(
      ...(await Promise.all(Array.from({ length: options.processes }, () => startService(options.root, db)))),
    );
    const walPath = `${db}-wal`;
    const sampler = (async () => {
      while (!stop) {
        if (existsSync(walPath)) maxWal = Math.max(maxWal, statSync(walPath).size);
        await sleep(50);
      }
    })();
    const timed = async (url: string, init?: RequestInit): Promise<Response | null> => {
      const t0 = performance.now();
      try {
        const res = await fetch(url, init);
        await res.arrayBuffer();
        slowest = Math.max(slowest, performance.now() - t0);
        if (res.status >= 500) status5xx++;
        return res;
      } catch {
        otherErrors++;
        return null;
      }
    };
    let counter = 0;
    const deadline = Date.now() + options.seconds * 1000;
    const workers: Promise<void>[] = [];
    services.forEach((service, s) => {
      for (let w = 0; w < options.writers; w++) {
        workers.push(
          (async () => {
            while (Date.now() < deadline) {
              const id = `wal-${s}-${w}-${counter++}`;
              const res = await timed(`${service.url}/api/v1/scans`, {
                method: "POST",
                headers: { "content-type": "application/json" },
                body: template.replaceAll("__SCAN_ID__", id),
              });
              if (res?.status === 201) acknowledged.push({ id, findings: 10, service: s });
              else if (res !== null && res.status < 500) otherErrors++;
            }
          })(),
        );
      }
      for (let r = 0; r < options.readers; r++) {
        workers.push(
          (async () => {
            while (Date.now() < deadline) {
              const pick = acknowledged[Math.floor(Math.random() * acknowledged.length)];
              const url =
                pick === undefined || r % 2 === 1
                  ? `${service.url}/api/v1/scans?limit=20`
                  : `${service.url}/api/v1/scans/${encodeURIComponent(pick.id)}`;
              const res = await timed(url);
              reads++;
              if (res !== null && res.status !== 200) otherErrors++;
            }
          })(),
        );
      }
    });
    const progress = setInterval(
      () => log(`  wal ${(maxWal / 1e6).toFixed(1)} MB max, ${acknowledged.length} scans, ${reads} reads`),
      10_000,
    );
    await Promise.all(workers);
    clearInterval(progress);
    stop = true;
    await sampler;
    let missing = 0;
    for (const a of acknowledged) {
      const service = services[(a.service + 1) % services.length] as Service;
      const res = await fetch(`${service.url}/api/v1/scans/${encodeURIComponent(a.id)}`);
      const body = (await res.json()) as { findings?: unknown[] };
      if (res.status !== 200 || body.findings?.length !== a.findings) missing++;
    }
    if (process.env.MALWAR_BENCH_SHOW_LOGS === "1") for (const s of services) console.error(s.stderr());
    const busyInLogs = services.reduce((n, s) => n + (s.stderr().match(/SQLITE_BUSY/g)?.length ?? 0), 0);
    return {
      maxWalBytes: maxWal,
      posted: acknowledged.length,
      reads,
      status5xx,
      otherErrors,
      busyInLogs,
      missing,
      slowestMs: slowest,
    };
  } finally {
    stop = true;
    await Promise.all(services.map((s) => s.stop()));
    rmSync(dir, { recursive: true, force: true });
  }
}

async function wal(flags: Map<string, string>): Promise<void> {
  const result = await walRun({
    root: resolve(flags.get("root") ?? "."),
    seconds: Number(flags.get("seconds") ?? 60),
    processes: Number(flags.get("processes") ?? 4),
    writers: Number(flags.get("writers") ?? 3),
    readers: Number(flags.get("readers") ?? 3),
  });
  console.log(JSON.stringify({ ...result, maxWalMB: +(result.maxWalBytes / 1e6).toFixed(2) }));
}

if (import.meta.main) {
  const { mode, flags } = parseArgs(process.argv.slice(2));
  if (mode === "http") await http(flags);
  else if (mode === "w5") await w5(flags);
  else if (mode === "wal") await wal(flags);
  else {
    console.log(
      "usage: bun run bench/sqlite-writers.ts http|w5|wal [--roots name=dir,…] [--root dir] [--seconds N]",
    );
    process.exit(mode === "--help" ? 0 : 1);
  }
}
