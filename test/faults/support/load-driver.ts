/**
 * Load for fault runs: `clients` concurrent loops against a running service, each posting a scan
 * (with findings) and reading scans back, for `durationMs`. Every request is recorded with its
 * status (0 = no HTTP answer: refused, reset, or cut by the per-request deadline) and latency,
 * and every scan answered 201 is kept, so a run can check afterwards that none was lost.
 *
 * Bounded in time and count: each client stops at the deadline or after `maxRequestsPerClient`.
 */
import { scanBody, uniqueId } from "../../service/support/fixtures.ts";

export interface RequestRecord {
  /** ms since the load started */
  at: number;
  method: "GET" | "POST";
  /** "scan" (POST /scans), "read" (GET /scans/:id), "list" (GET /scans), "health", "ready" */
  kind: string;
  status: number;
  ms: number;
  /** error.code of a JSON error body, or the network error's name when status is 0 */
  error?: string;
}

export interface AcknowledgedScan {
  id: string;
  findingIds: string[];
  urlAnalysisIds: string[];
}

export interface LoadResult {
  records: RequestRecord[];
  acknowledged: AcknowledgedScan[];
  durationMs: number;
}

export interface LoadOptions {
  /** Base URL of the service (http://host:port); a function when the service moves (restart). */
  baseUrl: string | (() => string);
  clients?: number;
  durationMs?: number;
  maxRequestsPerClient?: number;
  /** A request still unanswered after this is cut and recorded as status 0 with its full latency. */
  requestTimeoutMs?: number;
  /** Pause after a request got no HTTP answer, so a dead port is not spun on. */
  pauseAfterNetworkErrorMs?: number;
  apiKey?: string;
  /** Tag put in every scan id, so runs sharing a database never collide. */
  tag?: string;
}

/** A load that runs until `stop()` or its deadline; `done` has everything it recorded. */
export interface RunningLoad {
  readonly startedAt: number;
  /** ms since the load started */
  elapsed(): number;
  stop(): void;
  done: Promise<LoadResult>;
}

export function startLoad(options: LoadOptions): RunningLoad {
  const clients = options.clients ?? 20;
  const durationMs = options.durationMs ?? 20_000;
  const maxPerClient = options.maxRequestsPerClient ?? 5_000;
  const requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
  const pauseMs = options.pauseAfterNetworkErrorMs ?? 25;
  const base = typeof options.baseUrl === "function" ? options.baseUrl : () => options.baseUrl as string;
  const tag = options.tag ?? uniqueId("load");
  const records: RequestRecord[] = [];
  const acknowledged: AcknowledgedScan[] = [];
  const startedAt = performance.now();
  const deadline = startedAt + durationMs;
  let stopped = false;

  const headers: Record<string, string> = { "content-type": "application/json" };
  if (options.apiKey !== undefined) headers["x-api-key"] = options.apiKey;

  async function send(
    kind: string,
    method: "GET" | "POST",
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: unknown }> {
    const t0 = performance.now();
    let status = 0;
    let json: unknown = null;
    let error: string | undefined;
    try {
      const res = await fetch(`${base()}/api/v1${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(requestTimeoutMs),
      });
      const text = await res.text();
      status = res.status;
      try {
        json = text === "" ? null : JSON.parse(text);
      } catch {
        error = "NOT_JSON";
      }
      if (status >= 400) {
        const code = (json as { error?: { code?: unknown } } | null)?.error?.code;
        error = typeof code === "string" ? code : (error ?? "NO_ERROR_BODY");
      }
    } catch (e) {
      status = 0;
      error = (e as { name?: string; code?: string })?.code ?? (e as Error)?.name ?? "Error";
    }
    const t1 = performance.now();
    records.push({ at: t0 - startedAt, method, kind, status, ms: t1 - t0, ...(error ? { error } : {}) });
    return { status, json };
  }

  async function client(n: number): Promise<void> {
    let ownScans: string[] = [];
    for (let i = 0; i < maxPerClient && !stopped && performance.now() < deadline; i++) {
      const step = i % 3;
      let status: number;
      if (step === 0) {
        const body = scanBody(`${tag}-c${n}-${i}`);
        const res = await send("scan", "POST", "/scans", body);
        status = res.status;
        if (status === 201) {
          acknowledged.push({
            id: body.id,
            findingIds: body.findings.map((f) => f.id),
            urlAnalysisIds: body.url_analysis.map((u) => u.id),
          });
          ownScans.push(body.id);
          if (ownScans.length > 50) ownScans = ownScans.slice(-50);
        }
      } else if (step === 1 && ownScans.length > 0) {
        const id = ownScans[Math.floor(Math.random() * ownScans.length)] as string;
        status = (await send("read", "GET", `/scans/${encodeURIComponent(id)}`)).status;
      } else {
        status = (await send("list", "GET", "/scans?limit=20")).status;
      }
      if (status === 0) await Bun.sleep(pauseMs);
    }
  }

  const done = Promise.all(Array.from({ length: clients }, (_, n) => client(n))).then(
    (): LoadResult => ({ records, acknowledged, durationMs: performance.now() - startedAt }),
  );
  return {
    startedAt,
    elapsed: () => performance.now() - startedAt,
    stop: () => {
      stopped = true;
    },
    done,
  };
}

/** Figures of one run, as docs/reliability.md reports them. */
export interface LoadSummary {
  requests: number;
  ok: number;
  answered503: number;
  /** 503s answered within `boundMs` */
  answered503WithinBound: number;
  /** requests with no HTTP answer (status 0) */
  unanswered: number;
  /** other statuses >= 400 (by status) */
  otherErrors: Record<string, number>;
  slowestMs: number;
  overBound: number;
  acknowledgedScans: number;
}

export function summarize(result: LoadResult, boundMs = 3_000): LoadSummary {
  const other: Record<string, number> = {};
  let ok = 0;
  let s503 = 0;
  let s503In = 0;
  let unanswered = 0;
  let slowest = 0;
  let over = 0;
  for (const r of result.records) {
    if (r.ms > slowest) slowest = r.ms;
    if (r.ms > boundMs) over++;
    if (r.status === 0) unanswered++;
    else if (r.status === 503) {
      s503++;
      if (r.ms <= boundMs) s503In++;
    } else if (r.status < 400) ok++;
    else other[String(r.status)] = (other[String(r.status)] ?? 0) + 1;
  }
  return {
    requests: result.records.length,
    ok,
    answered503: s503,
    answered503WithinBound: s503In,
    unanswered,
    otherErrors: other,
    slowestMs: Math.round(slowest),
    overBound: over,
    acknowledgedScans: result.acknowledged.length,
  };
}

/**
 * Seconds from `faultEndedAt` (ms on the load's clock, e.g. when the database answered again)
 * until the last failed request, i.e. after which every request succeeded. 0 when no request
 * failed after it. Requests that started before it and ended after are counted too.
 */
export function recoverySeconds(result: LoadResult, faultEndedAt: number): number {
  let last = faultEndedAt;
  for (const r of result.records) {
    const end = r.at + r.ms;
    if (end >= faultEndedAt && (r.status === 0 || r.status >= 500) && end > last) last = end;
  }
  return Math.round((last - faultEndedAt) / 10) / 100;
}
