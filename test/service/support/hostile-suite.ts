/**
 * The hostile corpus against one backend: every request answered below 500, each as its case
 * expects, the service still up afterwards, and what was stored read back byte for byte.
 * Called by hostile-*.test.ts.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { DatabaseBackend } from "../../../src/backends/database-backend.ts";
import { ApiKeyRepository } from "../../../src/repositories/index.ts";
import { type RunningService, startService } from "../../../src/service/index.ts";
import { captureLog } from "../../support/capture-log.ts";
import { buildCorpus, formatPath, getAt, type HostileRequest } from "../hostile/corpus.ts";
import { rawRequest } from "../hostile/raw-http.ts";

export const SEED = 0x5eed_2026;
const CONCURRENCY = 10;
export const MIN_CORPUS = 5_000;

interface Outcome {
  index: number;
  status: number | "no answer";
  problem?: string;
  /** Values read back after the write and found equal. */
  readBack?: number;
}

/** Each request's answer, by its index in the corpus, for comparing backends. */
export type HostileAnswers = Map<number, { kind: string; status: number | "no answer" }>;

export function hostileSuite(
  open: () => Promise<DatabaseBackend>,
  report?: (answers: HostileAnswers) => void,
): void {
  describe("hostile corpus", () => hostileTests(open, report));
}

function hostileTests(
  open: () => Promise<DatabaseBackend>,
  report?: (answers: HostileAnswers) => void,
): void {
  let backend: DatabaseBackend;
  let service: RunningService;
  let adminKey: string;
  const log = captureLog("warn");

  beforeAll(async () => {
    backend = await open();
    service = startService({ backend, port: 0, logger: log.logger });
    // Requests carry an admin key, so POST /keys cases that succeed do not end open mode midway.
    adminKey = (await new ApiKeyRepository(backend).create({ name: "hostile-admin", role: "admin" })).key;
  });
  afterAll(async () => {
    await service?.stop();
    await backend?.close();
  });

  test("every hostile request is answered below 500, as its case expects; stored text reads back exactly", async () => {
    const corpus = buildCorpus(SEED, `h${Date.now().toString(36)}`);
    const outcomes: Outcome[] = new Array(corpus.length);
    let next = 0;
    const worker = async () => {
      for (;;) {
        const index = next++;
        if (index >= corpus.length) return;
        outcomes[index] = await send(index, corpus[index] as HostileRequest);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));

    report?.(
      new Map(
        outcomes.map((o) => [o.index, { kind: (corpus[o.index] as HostileRequest).kind, status: o.status }]),
      ),
    );
    const serverErrors = outcomes.filter((o) => o.status === "no answer" || o.status >= 500);
    const wrong = outcomes.filter((o) => o.problem !== undefined);
    const describeOutcome = (o: Outcome) => {
      const req = corpus[o.index] as HostileRequest;
      return `${req.kind} ${req.method} ${req.path.slice(0, 120)} -> ${o.status}${o.problem ? `: ${o.problem}` : ""}`;
    };
    expect(serverErrors.slice(0, 20).map(describeOutcome)).toEqual([]);
    expect(wrong.slice(0, 20).map(describeOutcome)).toEqual([]);
    expect(log.messages().filter((l) => /unexpected error/.test(l))).toEqual([]);
    // Every family was actually sent, and the read-backs happened (the injection scans alone
    // carry 34 strings in 20 text fields each, read back one by one and all together).
    const kinds = new Set(corpus.map((r) => r.kind));
    expect(kinds.size).toBeGreaterThanOrEqual(20);
    const readBack = outcomes.reduce((n, o) => n + (o.readBack ?? 0), 0);
    expect(readBack).toBeGreaterThanOrEqual(34 * 20 * 2);
    const statuses = new Map<number | string, number>();
    for (const o of outcomes) statuses.set(o.status, (statuses.get(o.status) ?? 0) + 1);
    console.log(
      `hostile corpus: ${corpus.length} requests, ${readBack} values read back; statuses ${JSON.stringify(Object.fromEntries(statuses))}`,
    );
    const health = await fetch(`${service.url}/api/v1/health`);
    expect(health.status).toBe(200);
  }, 120_000);

  async function send(index: number, req: HostileRequest): Promise<Outcome> {
    if (req.raw !== undefined) {
      const status = await rawRequest(service.server.port as number, req.raw);
      return { index, status };
    }
    const headers: Record<string, string> = { "x-api-key": adminKey, ...req.headers };
    let res: Response;
    try {
      res = await fetch(`${service.url}/api/v1${req.path}`, {
        method: req.method,
        headers,
        body: req.body,
        signal: AbortSignal.timeout(15_000),
      });
    } catch (error) {
      return { index, status: "no answer", problem: String(error) };
    }
    const text = await res.text();
    const outcome: Outcome = { index, status: res.status };
    if (req.expect !== undefined && !req.expect.includes(res.status)) {
      outcome.problem = `expected ${req.expect.join("/")}: ${text.slice(0, 200)}`;
      return outcome;
    }
    if (res.status >= 400 && text !== "") {
      const body = JSON.parse(text) as {
        error?: { code?: unknown; message?: unknown; fields?: { path: string }[] };
      };
      if (typeof body.error?.code !== "string" || typeof body.error.message !== "string") {
        outcome.problem = `not the error shape: ${text.slice(0, 200)}`;
      } else if (res.status === 400 && req.names !== undefined) {
        const paths = (body.error.fields ?? []).map((f) => f.path);
        // A bad child may be reported as its list or object being wrong, or as the body.
        if (!paths.some((p) => req.names?.startsWith(p) || p.startsWith(req.names as string))) {
          outcome.problem = `400 does not name ${req.names}: ${text.slice(0, 300)}`;
        }
      }
    }
    if (res.status < 300 && req.readBack !== undefined) {
      const back = await fetch(`${service.url}/api/v1${req.readBack.path}`, {
        headers: { "x-api-key": adminKey },
      });
      const stored = (await back.json()) as unknown;
      outcome.readBack = 0;
      for (const check of req.readBack.checks) {
        const found = getAt(stored, check.at);
        if (found !== check.value) {
          outcome.problem = `read back ${formatPath(check.at)} as ${JSON.stringify(found)}, sent ${JSON.stringify(check.value)}`;
        } else outcome.readBack++;
      }
    }
    return outcome;
  }
}
