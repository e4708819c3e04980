/**
 * One fault run: load from `clients` concurrent clients for `durationMs` against a running
 * service while `inject` breaks something (and marks when each fault began and when the system
 * was whole again), then the checks every fault run shares. Figures are printed and kept
 * (results.ts); `assertFaultRun` turns the promises into assertions.
 */
import { expect } from "bun:test";
import { type AcknowledgedCheck, checkAcknowledged } from "./acknowledged.ts";
import { type LoadResult, type LoadSummary, type RunningLoad, startLoad, summarize } from "./load-driver.ts";
import { reportFigures } from "./results.ts";
import type { ServiceProcess } from "./service-process.ts";

/** On the load's clock (ms since it started): the fault began, and the broken part answered again. */
export interface FaultWindow {
  start: number;
  end: number;
}

export interface FaultContext {
  load: RunningLoad;
  service: ServiceProcess;
  /** Records one fault window; call with the load's clock (`load.elapsed()`). */
  mark(window: FaultWindow): void;
}

export interface FaultRunOptions {
  name: string;
  service: ServiceProcess;
  inject(ctx: FaultContext): Promise<void>;
  clients?: number;
  durationMs?: number;
  /** Extra figures for the report (backend, fault counts, …). */
  figures?: Record<string, unknown>;
}

export interface FaultRunResult {
  name: string;
  load: LoadResult;
  summary: LoadSummary;
  windows: FaultWindow[];
  /** Longest time after a window's end until requests stopped failing (s). */
  recoverySeconds: number;
  /** Requests started at least 2 s after a window's end (and ended before the next) that failed. */
  failedAfterRecoveryBound: number;
  /** Requests that succeeded after the last window. */
  okAfterLastWindow: number;
  aliveAfter: boolean;
  exit: string;
  acknowledged: AcknowledgedCheck;
}

export const REQUEST_BOUND_MS = 3_000;
/** Per-test timeout for the fault files: a run is 20 s of load plus set-up and checks. */
export const FAULT_TEST_TIMEOUT_MS = 180_000;
export const RECOVERY_BOUND_MS = 2_000;

export async function runFault(options: FaultRunOptions): Promise<FaultRunResult> {
  const windows: FaultWindow[] = [];
  const load = startLoad({
    baseUrl: options.service.url,
    clients: options.clients ?? 20,
    durationMs: options.durationMs ?? 20_000,
  });
  let injectError: unknown;
  try {
    await options.inject({ load, service: options.service, mark: (w) => windows.push(w) });
  } catch (error) {
    injectError = error;
    load.stop();
  }
  const result = await load.done;
  if (injectError !== undefined) throw injectError;
  const aliveAfter = options.service.alive();
  const exit = aliveAfter ? "" : options.service.describeExit();
  const acknowledged = aliveAfter
    ? await checkAcknowledged(options.service.url, result.acknowledged)
    : { checked: 0, missing: [], partial: [], duplicated: [] };
  const summary = summarize(result, REQUEST_BOUND_MS);
  const sorted = [...windows].sort((a, b) => a.start - b.start);
  let recovery = 0;
  let failedAfterBound = 0;
  sorted.forEach((w, i) => {
    const until = sorted[i + 1]?.start ?? Number.POSITIVE_INFINITY;
    for (const r of result.records) {
      const end = r.at + r.ms;
      const failed = r.status === 0 || r.status >= 500;
      // A request still running when the next fault began is that fault's to answer for.
      if (!failed || end < w.end || end >= until) continue;
      recovery = Math.max(recovery, end - w.end);
      if (r.at >= w.end + RECOVERY_BOUND_MS) failedAfterBound++;
    }
  });
  const last = sorted.at(-1);
  const okAfterLastWindow = result.records.filter(
    (r) => last !== undefined && r.at >= last.end && r.status > 0 && r.status < 400,
  ).length;
  const run: FaultRunResult = {
    name: options.name,
    load: result,
    summary,
    windows: sorted,
    recoverySeconds: Math.round(recovery / 10) / 100,
    failedAfterRecoveryBound: failedAfterBound,
    okAfterLastWindow,
    aliveAfter,
    exit,
    acknowledged,
  };
  reportFigures(options.name, {
    ...options.figures,
    faults: sorted.length,
    downtimeSeconds: sorted.map((w) => Math.round((w.end - w.start) / 10) / 100),
    requests: summary.requests,
    ok: summary.ok,
    answered503: summary.answered503,
    answered503WithinBound: summary.answered503WithinBound,
    unanswered: summary.unanswered,
    otherErrors: summary.otherErrors,
    slowestMs: summary.slowestMs,
    overBound: summary.overBound,
    recoverySeconds: run.recoverySeconds,
    failedAfterRecoveryBound: failedAfterBound,
    acknowledgedScans: summary.acknowledgedScans,
    acknowledgedLost: acknowledged.missing.length + acknowledged.partial.length,
    acknowledgedDuplicated: acknowledged.duplicated.length,
    processAlive: aliveAfter,
  });
  return run;
}

/**
 * What every fault run must show. `unansweredAllowed`: the kill -9 case, where requests sent while
 * the service is dead get no HTTP answer at all.
 */
export function assertFaultRun(run: FaultRunResult, options: { unansweredAllowed?: boolean } = {}): void {
  expect({ alive: run.aliveAfter, exit: run.exit }).toEqual({ alive: true, exit: "" });
  expect(run.windows.length).toBeGreaterThan(0);
  // Every request answered within the bound, with a JSON 503 at worst (never a 500 or a hang).
  const slow = run.load.records.filter((r) => r.ms > REQUEST_BOUND_MS);
  expect(slow.slice(0, 5)).toEqual([]);
  expect(run.summary.otherErrors).toEqual({});
  const badBodies = run.load.records.filter(
    (r) => r.status >= 400 && (r.error === "NOT_JSON" || r.error === "NO_ERROR_BODY"),
  );
  expect(badBodies.slice(0, 5)).toEqual([]);
  if (!options.unansweredAllowed) expect(run.summary.unanswered).toBe(0);
  // Whole again within 2 s of the fault's end, and serving after the last one.
  expect(run.failedAfterRecoveryBound).toBe(0);
  expect(run.okAfterLastWindow).toBeGreaterThan(0);
  // Nothing acknowledged is lost or doubled.
  expect(run.acknowledged.checked).toBe(run.load.acknowledged.length);
  expect(run.acknowledged.checked).toBeGreaterThan(0);
  expect({
    missing: run.acknowledged.missing.slice(0, 5),
    partial: run.acknowledged.partial.slice(0, 5),
    duplicated: run.acknowledged.duplicated.slice(0, 5),
  }).toEqual({ missing: [], partial: [], duplicated: [] });
}
