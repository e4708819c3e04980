import { join } from "node:path";

export const ROOT = join(import.meta.dir, "..", "..", "..");

/** Env for a child process: only what is given plus PATH/HOME, never this process's MALWAR_* settings. */
export function childEnv(vars: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of ["PATH", "HOME", "TMPDIR", "LANG"]) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return { ...env, ...vars };
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `bun run <script> ...args` from the project root; `.env` files are ignored so only `env` counts. */
export async function runCli(
  script: string,
  args: string[],
  env: Record<string, string>,
): Promise<CliResult> {
  const proc = Bun.spawn([process.execPath, "--no-env-file", "run", script, ...args], {
    cwd: ROOT,
    env: childEnv(env),
    stdout: "pipe",
    stderr: "pipe",
    stdin: "ignore",
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { code, stdout, stderr };
}

/** Reads a stream line by line, keeping everything read so far for later assertions. */
export class LineReader {
  readonly lines: string[] = [];
  #buffer = "";
  #waiters: { match: RegExp; resolve: (line: string) => void; reject: (e: Error) => void }[] = [];
  #done = false;
  readonly finished: Promise<void>;

  constructor(stream: ReadableStream<Uint8Array>) {
    this.finished = this.#pump(stream);
  }

  async #pump(stream: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    for await (const chunk of stream) {
      this.#buffer += decoder.decode(chunk, { stream: true });
      let nl = this.#buffer.indexOf("\n");
      while (nl >= 0) {
        this.#push(this.#buffer.slice(0, nl));
        this.#buffer = this.#buffer.slice(nl + 1);
        nl = this.#buffer.indexOf("\n");
      }
    }
    if (this.#buffer !== "") this.#push(this.#buffer);
    this.#done = true;
    for (const w of this.#waiters)
      w.reject(new Error(`stream ended without a line matching ${w.match}:\n${this.text()}`));
    this.#waiters = [];
  }

  #push(line: string): void {
    this.lines.push(line);
    this.#waiters = this.#waiters.filter((w) => {
      if (!w.match.test(line)) return true;
      w.resolve(line);
      return false;
    });
  }

  /** Resolves with the first line (past or future) matching `match`; rejects if the stream ends first. */
  waitFor(match: RegExp): Promise<string> {
    const seen = this.lines.find((l) => match.test(l));
    if (seen !== undefined) return Promise.resolve(seen);
    if (this.#done) return Promise.reject(new Error(`no line matching ${match}:\n${this.text()}`));
    return new Promise((resolve, reject) => this.#waiters.push({ match, resolve, reject }));
  }

  text(): string {
    return this.lines.join("\n");
  }
}

export interface StartedProcess {
  proc: Bun.Subprocess<"ignore", "pipe", "pipe">;
  stdout: LineReader;
  stderr: LineReader;
  url: string;
}

/**
 * Starts `bun run src/cli/start.ts` (or another entry script that calls its `runStart`) and waits
 * for its listening line (the URL is taken from it).
 */
export async function startCli(
  env: Record<string, string>,
  script = "src/cli/start.ts",
): Promise<StartedProcess> {
  const proc = Bun.spawn([process.execPath, "--no-env-file", "run", script], {
    cwd: ROOT,
    env: childEnv({ MALWAR_PORT: "0", ...env }),
    stdout: "pipe",
    stderr: "pipe",
    stdin: "ignore",
  });
  const stdout = new LineReader(proc.stdout);
  const stderr = new LineReader(proc.stderr);
  try {
    const line = await stdout.waitFor(/listening on /);
    const url = /listening on (http:\/\/\S+)/.exec(line)?.[1];
    if (url === undefined) throw new Error(`no URL in ${line}`);
    return { proc, stdout, stderr, url };
  } catch (error) {
    proc.kill("SIGKILL");
    await stderr.finished;
    throw new Error(`start failed: ${(error as Error).message}\nstderr:\n${stderr.text()}`);
  }
}
