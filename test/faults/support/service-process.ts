/**
 * `bun run start` as a child process for fault runs, on a port fixed for its whole life so that
 * a restarted service (after kill -9) is found where the load expects it.
 */

import { type StartedProcess, startCli } from "../../service/support/cli-process.ts";
import { freePort } from "./pg-cluster.ts";

export interface ServiceProcess {
  readonly url: string;
  readonly port: number;
  /** The current child (replaced by `restart`). */
  current(): StartedProcess;
  /** Still running (no exit code yet). */
  alive(): boolean;
  /** Exit code and stderr of the current child once it ended, for messages. */
  describeExit(): string;
  /** SIGKILL, then wait for the exit. */
  kill9(): Promise<void>;
  /** Starts a new child on the same port and waits for its listening line. */
  restart(): Promise<void>;
  /** SIGTERM; resolves with the exit code and how long the exit took (ms). */
  stop(graceMs?: number): Promise<{ code: number | null; ms: number }>;
}

export async function startServiceProcess(
  env: Record<string, string>,
  options: { port?: number } = {},
): Promise<ServiceProcess> {
  const port = options.port ?? (await freePort());
  const spawn = () => startCli({ ...env, MALWAR_HOST: "127.0.0.1", MALWAR_PORT: String(port) });
  let child = await spawn();
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    port,
    current: () => child,
    alive: () => child.proc.exitCode === null && child.proc.signalCode === null,
    describeExit: () =>
      `exit code ${child.proc.exitCode} signal ${child.proc.signalCode}; stderr:\n${child.stderr.text().slice(-4000)}`,
    async kill9() {
      child.proc.kill("SIGKILL");
      await child.proc.exited;
    },
    async restart() {
      if (child.proc.exitCode === null && child.proc.signalCode === null) {
        child.proc.kill("SIGKILL");
        await child.proc.exited;
      }
      child = await spawn();
    },
    async stop(graceMs = 15_000) {
      const t0 = performance.now();
      if (child.proc.exitCode !== null || child.proc.signalCode !== null) {
        return { code: child.proc.exitCode, ms: 0 };
      }
      child.proc.kill("SIGTERM");
      const timer = setTimeout(() => child.proc.kill("SIGKILL"), graceMs);
      const code = await child.proc.exited;
      clearTimeout(timer);
      await Promise.all([child.stdout.finished, child.stderr.finished]);
      return { code: child.proc.signalCode === "SIGKILL" ? null : code, ms: performance.now() - t0 };
    },
  };
}
