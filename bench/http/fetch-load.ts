/**
 * Fallback load generator for W6 when `wrk` is not installed: `connections` concurrent fetch loops
 * for `seconds`, in its own process so it never shares an event loop with the server it measures.
 * Prints one `BENCHJSON {...}` line in the same shape as the wrk scripts' `done`.
 *
 *   bun bench/http/fetch-load.ts <baseUrl> get <seconds> <connections> <prefix> <count>
 *   bun bench/http/fetch-load.ts <baseUrl> post <seconds> <connections> <templatePath> <prefix>
 */
import { readFileSync } from "node:fs";
import { rng } from "../fixtures.ts";

const [baseUrl, mode, secondsArg, connectionsArg, a, b] = process.argv.slice(2);
if (!baseUrl || (mode !== "get" && mode !== "post") || !secondsArg || !connectionsArg || !a || !b) {
  console.error("usage: fetch-load.ts <baseUrl> get|post <seconds> <connections> <arg1> <arg2>");
  process.exit(2);
}
const seconds = Number(secondsArg);
const connections = Number(connectionsArg);
const template = mode === "post" ? readFileSync(a, "utf8") : "";

const latenciesUs: number[] = [];
const errors = { connect: 0, read: 0, write: 0, status: 0, timeout: 0 };
let requests = 0;

async function loop(worker: number): Promise<void> {
  const r = rng(1000 + worker);
  let sent = 0;
  const deadline = performance.now() + seconds * 1000;
  while (performance.now() < deadline) {
    const t0 = performance.now();
    try {
      let res: Response;
      if (mode === "get") {
        const n = Math.floor(r() * Number(b));
        res = await fetch(`${baseUrl}/api/v1/scans/${a}-${String(n).padStart(7, "0")}`);
      } else {
        sent++;
        res = await fetch(`${baseUrl}/api/v1/scans`, {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: template.replaceAll("__SCAN_ID__", `${b}-w${worker}-${sent}`),
        });
      }
      await res.arrayBuffer();
      if (res.status >= 400) errors.status++;
    } catch {
      errors.read++;
    }
    latenciesUs.push((performance.now() - t0) * 1000);
    requests++;
  }
}

const started = performance.now();
await Promise.all(Array.from({ length: connections }, (_, w) => loop(w)));
const durationUs = (performance.now() - started) * 1000;
latenciesUs.sort((x, y) => x - y);
const at = (q: number) =>
  latenciesUs[Math.min(latenciesUs.length - 1, Math.floor(q * latenciesUs.length))] ?? 0;
const mean = latenciesUs.reduce((s, v) => s + v, 0) / Math.max(1, latenciesUs.length);
console.log(
  `BENCHJSON ${JSON.stringify({
    requests,
    duration_us: Math.round(durationUs),
    p50_us: Math.round(at(0.5)),
    p99_us: Math.round(at(0.99)),
    mean_us: mean,
    errors,
  })}`,
);
