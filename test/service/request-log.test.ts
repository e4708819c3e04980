/**
 * The request log of `bun run start`, read from the real process's standard output: one JSON line
 * per request with its id, method, route template, status, duration and key id; X-Request-Id on
 * every response and in every error body; the key itself never logged; text on a terminal.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { describePostgres } from "../support/postgres.ts";
import { makeTempDir } from "../support/temp-dir.ts";
import { childEnv, ROOT, runCli, type StartedProcess, startCli } from "./support/cli-process.ts";

interface LogRecord {
  level: string;
  time: string;
  msg: string;
  [field: string]: unknown;
}

async function stop(started: StartedProcess): Promise<LogRecord[]> {
  started.proc.kill("SIGTERM");
  expect(await started.proc.exited).toBe(0);
  await Promise.all([started.stdout.finished, started.stderr.finished]);
  return started.stdout.lines.map((line) => JSON.parse(line) as LogRecord);
}

const requestLines = (records: LogRecord[]) => records.filter((r) => r.msg === "request");

function requestLogSuite(env: () => Record<string, string>) {
  test("one JSON line per request: id, method, route template, status, duration, key id", async () => {
    const started = await startCli(env());
    const given = await fetch(`${started.url}/api/v1/scans/some-scan-id`, {
      headers: { "x-request-id": "client.trace:42-A_b" },
    });
    expect(given.status).toBe(404);
    expect(given.headers.get("x-request-id")).toBe("client.trace:42-A_b");
    expect(((await given.json()) as { error: { request_id: string } }).error.request_id).toBe(
      "client.trace:42-A_b",
    );
    // Not a sane token (a space, a quote; too long): a fresh id instead, never the caller's text.
    const insane = await fetch(`${started.url}/api/v1/health`, { headers: { "x-request-id": 'a b"c' } });
    const long = await fetch(`${started.url}/api/v1/health`, {
      headers: { "x-request-id": "x".repeat(129) },
    });
    const insaneId = insane.headers.get("x-request-id") ?? "";
    expect(insaneId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(long.headers.get("x-request-id")).not.toBe("x".repeat(129));
    const unmatched = await fetch(`${started.url}/no/such/path/secret-looking-123`);
    const wrongMethod = await fetch(`${started.url}/api/v1/health`, { method: "DELETE" });
    const tooLarge = await fetch(`${started.url}/api/v1/scans`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ pad: "x".repeat(1024 * 1024 + 10) }),
    });
    for (const [res, status] of [
      [unmatched, 404],
      [wrongMethod, 405],
      [tooLarge, 413],
    ] as const) {
      expect(res.status).toBe(status);
      const id = res.headers.get("x-request-id");
      expect(id).toBeTruthy();
      expect(((await res.json()) as { error: { request_id: string } }).error.request_id).toBe(id as string);
    }

    const all = await stop(started);
    // A refused body is never read: its connection is closed, so the stop waits for nothing.
    expect(all.filter((r) => r.msg.includes("cut off"))).toEqual([]);
    const lines = requestLines(all);
    expect(lines).toHaveLength(6);
    for (const line of lines) {
      expect(Object.keys(line).sort()).toEqual(
        ["duration_ms", "key_id", "level", "method", "msg", "request_id", "route", "status", "time"].sort(),
      );
      expect(new Date(line.time).toISOString()).toBe(line.time);
      expect(typeof line.duration_ms).toBe("number");
      expect(line.duration_ms as number).toBeGreaterThanOrEqual(0);
      expect(line.key_id).toBeNull();
    }
    expect(lines.map((l) => [l.request_id, l.method, l.route, l.status])).toEqual([
      ["client.trace:42-A_b", "GET", "/api/v1/scans/:id", 404],
      [insaneId, "GET", "/api/v1/health", 200],
      [long.headers.get("x-request-id"), "GET", "/api/v1/health", 200],
      [unmatched.headers.get("x-request-id"), "GET", "unmatched", 404],
      [wrongMethod.headers.get("x-request-id"), "DELETE", "/api/v1/health", 405],
      [tooLarge.headers.get("x-request-id"), "POST", "/api/v1/scans", 413],
    ]);
    // Raw paths and ids stay out of the log.
    expect(started.stdout.text()).not.toContain("some-scan-id");
    expect(started.stdout.text()).not.toContain("secret-looking-123");
  });

  test("a request with a key logs the key's id, and the key itself appears nowhere in the output", async () => {
    const keyedEnv = env();
    const { key, id } = await makeKey(keyedEnv);
    const started = await startCli(keyedEnv);
    const ok = await fetch(`${started.url}/api/v1/scans`, { headers: { "x-api-key": key } });
    expect(ok.status).toBe(200);
    const wrong = await fetch(`${started.url}/api/v1/scans`, { headers: { "x-api-key": `${key}x` } });
    expect(wrong.status).toBe(401);
    const records = await stop(started);
    const lines = requestLines(records);
    expect(lines.map((l) => [l.route, l.status, l.key_id])).toEqual([
      ["/api/v1/scans", 200, id],
      ["/api/v1/scans", 401, null],
    ]);
    const everything = `${started.stdout.text()}\n${started.stderr.text()}`;
    expect(everything).not.toContain(key);
    expect(everything).not.toContain(key.slice(4, 20));
  });
}

async function makeKey(env: Record<string, string>): Promise<{ key: string; id: string }> {
  const made = await runCli("src/cli/keys.ts", ["create", "--name", "logger", "--role", "admin"], env);
  expect(made.code).toBe(0);
  const out = made.stdout.trim().split("\n");
  const key = out.at(-1) as string;
  const id = /created API key (\S+)/.exec(made.stdout)?.[1] as string;
  return { key, id };
}

describe("request log of bun run start on SQLite", () => {
  const dir = makeTempDir("malwar-reqlog-");
  afterAll(() => dir.cleanup());
  requestLogSuite(() => ({ MALWAR_DB_PATH: dir.file(`db-${Math.random().toString(36).slice(2)}.db`) }));

  test("MALWAR_LOG_FORMAT=text: readable lines; MALWAR_LOG_LEVEL=error: no line at all on a quiet run", async () => {
    const text = await startCli({ MALWAR_DB_PATH: dir.file("text.db"), MALWAR_LOG_FORMAT: "text" });
    await fetch(`${text.url}/api/v1/health`, { headers: { "x-request-id": "text-1" } });
    text.proc.kill("SIGTERM");
    await text.proc.exited;
    await text.stdout.finished;
    // After one line per migration applied, the listening line.
    expect(text.stdout.lines.find((l) => !/ INFO {2}applied \d{3}_/.test(l))).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z INFO {2}malwar listening on http:\/\/\S+ backend=sqlite \(.*\) schema_version=5$/,
    );
    expect(text.stdout.lines).toContainEqual(
      expect.stringMatching(
        /Z INFO {2}request request_id=text-1 method=GET route=\/api\/v1\/health status=200 duration_ms=[\d.]+ key_id=null$/,
      ),
    );

    // Below the threshold nothing is written: at error, not even the listening line, so the
    // port is chosen here rather than read from it.
    const port = freePort();
    const quiet = Bun.spawn([process.execPath, "--no-env-file", "run", "src/cli/start.ts"], {
      cwd: ROOT,
      env: childEnv({
        MALWAR_DB_PATH: dir.file("quiet.db"),
        MALWAR_LOG_LEVEL: "ERROR",
        MALWAR_PORT: String(port),
      }),
      stdin: "ignore",
      stdout: "pipe",
      stderr: "pipe",
    });
    const health = await retryFetch(`http://127.0.0.1:${port}/api/v1/health`);
    expect(health.status).toBe(200);
    quiet.kill("SIGTERM");
    expect(await quiet.exited).toBe(0);
    expect(await new Response(quiet.stdout).text()).toBe("");
  });

  test("on a terminal (a pseudo-terminal from script(1)) the default is text", async () => {
    const proc = Bun.spawn(
      ["script", "-qfec", `${process.execPath} --no-env-file run src/cli/start.ts`, "/dev/null"],
      {
        cwd: ROOT,
        env: childEnv({ MALWAR_PORT: "0", MALWAR_DB_PATH: dir.file("tty.db") }),
        stdin: "ignore",
        stdout: "pipe",
        stderr: "pipe",
      },
    );
    let output = "";
    const reader = proc.stdout.getReader();
    const deadline = Date.now() + 15_000;
    let url: string | undefined;
    while (url === undefined && Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      output += new TextDecoder().decode(value);
      url = /listening on (http:\/\/\S+)/.exec(output)?.[1];
    }
    try {
      expect(url).toBeDefined();
      const res = await fetch(`${url}/api/v1/health`, { headers: { "x-request-id": "tty-1" } });
      expect(res.status).toBe(200);
      while (!output.includes("tty-1") && Date.now() < deadline) {
        const { value, done } = await reader.read();
        if (done) break;
        output += new TextDecoder().decode(value);
      }
    } finally {
      proc.kill("SIGTERM");
      await proc.exited;
      reader.releaseLock();
    }
    const lines = output.split(/\r?\n/);
    expect(lines.find((l) => l.includes("listening on"))).toMatch(/^\S+Z INFO {2}malwar listening on /);
    expect(lines.find((l) => l.includes("tty-1"))).toMatch(/INFO {2}request request_id=tty-1 method=GET/);
    expect(output).not.toContain('{"level"');
  });
});

describePostgres("request log of bun run start on PostgreSQL", (db) => {
  const env = () => ({
    MALWAR_DB_BACKEND: "postgres",
    MALWAR_POSTGRES_URL: db().url,
    MALWAR_POSTGRES_POOL_MIN: "1",
  });
  requestLogSuite(env);
});

function freePort(): number {
  const probe = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response() });
  const port = probe.port as number;
  probe.stop(true);
  return port;
}

/** The process is starting: connection refused until it listens (bounded at 15 s). */
async function retryFetch(url: string): Promise<Response> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      return await fetch(url);
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await Bun.sleep(50);
    }
  }
}
