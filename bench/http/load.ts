/**
 * Drives HTTP load for W6 with wrk when it is installed (Lua scripts next to this file), else with
 * the Bun fetch-based generator in its own process. Both print one `BENCHJSON {...}` line.
 */
import { join } from "node:path";

export interface LoadResult {
  requests: number;
  seconds: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

export type LoadGenerator = "wrk" | "bun-fetch";

export function loadGenerator(): LoadGenerator {
  return Bun.which("wrk") !== null ? "wrk" : "bun-fetch";
}

export type Route =
  | { kind: "get"; prefix: string; count: number }
  | { kind: "post"; templatePath: string; prefix: string };

export async function runLoad(
  generator: LoadGenerator,
  baseUrl: string,
  route: Route,
  seconds: number,
  connections: number,
): Promise<LoadResult> {
  const args =
    route.kind === "get" ? [route.prefix, String(route.count)] : [route.templatePath, route.prefix];
  const cmd =
    generator === "wrk"
      ? [
          "wrk",
          "-t2",
          `-c${connections}`,
          `-d${seconds}s`,
          "--timeout",
          "10s",
          "-s",
          join(import.meta.dir, `${route.kind}.lua`),
          baseUrl,
          "--",
          ...args,
        ]
      : [
          process.execPath,
          join(import.meta.dir, "fetch-load.ts"),
          baseUrl,
          route.kind,
          String(seconds),
          String(connections),
          ...args,
        ];
  const proc = Bun.spawn(cmd, { stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  const line = out.split("\n").find((l) => l.startsWith("BENCHJSON "));
  if (code !== 0 || line === undefined) {
    throw new Error(`${generator} failed (exit ${code}): ${err.trim() || out.trim()}`);
  }
  const r = JSON.parse(line.slice("BENCHJSON ".length)) as {
    requests: number;
    duration_us: number;
    p50_us: number;
    p99_us: number;
    errors: Record<string, number>;
  };
  const secs = r.duration_us / 1e6;
  return {
    requests: r.requests,
    seconds: secs,
    rps: r.requests / secs,
    p50Ms: r.p50_us / 1000,
    p99Ms: r.p99_us / 1000,
    errors: Object.values(r.errors).reduce((a, b) => a + b, 0),
  };
}
