/**
 * GET /metrics, read the way Prometheus reads it: the text is parsed with a real parser of the
 * exposition format, and counters are checked to move by exactly the requests made, on both
 * backends. Label values never hold ids or raw paths.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import parsePrometheus, { type PrometheusFamily } from "parse-prometheus-text-format";
import type { DatabaseBackend } from "../../src/backends/database-backend.ts";
import { createRepositories } from "../../src/repositories/index.ts";
import { type RunningService, startService } from "../../src/service/index.ts";
import { UsageRecorder } from "../../src/service/usage-recorder.ts";
import { captureLog } from "../support/capture-log.ts";
import { describePostgres } from "../support/postgres.ts";
import { makeTempDir } from "../support/temp-dir.ts";
import { openPostgres, openSqlite } from "./support/backends.ts";
import { scanBody, uniqueId } from "./support/fixtures.ts";

/**
 * The parser folds every series of a labelled histogram into one (its flattenMetrics keeps only
 * the buckets, of whichever series came last). So the text is parsed twice: as it is, for the
 * families and their types, and with the histograms' TYPE lines left out, which makes each
 * `_bucket`/`_count`/`_sum` line an ordinary sample with its labels.
 */
async function scrape(url: string): Promise<Scrape> {
  const res = await fetch(`${url}/metrics`);
  expect(res.status).toBe(200);
  const text = await res.text();
  const families = parsePrometheus(text);
  const histograms = new Set(families.filter((f) => f.type === "HISTOGRAM").map((f) => f.name));
  const untyped = text
    .split("\n")
    .filter((line) => !(line.startsWith("# TYPE ") && histograms.has(line.split(" ")[2] as string)))
    .join("\n");
  return {
    families: [...families, ...parsePrometheus(untyped).filter((f) => f.type === "UNTYPED")],
    text,
    type: res.headers.get("content-type") ?? "",
  };
}

interface Scrape {
  families: PrometheusFamily[];
  text: string;
  type: string;
}

function family(families: PrometheusFamily[], name: string): PrometheusFamily {
  const found = families.find((f) => f.name === name);
  if (found === undefined) throw new Error(`no metric family ${name}`);
  return found;
}

/** Every sample named `name` with these labels (an untyped name may come in several runs of lines). */
function samples(families: PrometheusFamily[], name: string, labels: Record<string, string>) {
  family(families, name);
  return families
    .filter((f) => f.name === name && f.type !== "HISTOGRAM")
    .flatMap((f) => f.metrics)
    .filter((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
}

/** A counter or gauge sample's value (0 when no sample has these labels yet). */
function value(families: PrometheusFamily[], name: string, labels: Record<string, string> = {}): number {
  const [sample] = samples(families, name, labels);
  return sample === undefined ? 0 : Number(sample.value);
}

/** Observations in every series of histogram `name` that has these labels. */
function histogramCount(families: PrometheusFamily[], name: string, labels: Record<string, string>): number {
  expect(family(families, name).type).toBe("HISTOGRAM");
  if (!families.some((f) => f.name === `${name}_count`)) return 0;
  return samples(families, `${name}_count`, labels).reduce((n, m) => n + Number(m.value), 0);
}

function metricsSuite(open: () => Promise<DatabaseBackend>, expected: { backend: string; poolMax: number }) {
  let backend: DatabaseBackend;
  let service: RunningService;

  beforeAll(async () => {
    backend = await open();
    // Usage rows wait in the buffer until flushed, so "pending" is exactly the requests made.
    service = startService({
      backend,
      port: 0,
      logger: captureLog("error").logger,
      usageIntervalMs: 60_000,
      usageBatchSize: 100_000,
    });
  });
  afterAll(async () => {
    await service?.stop();
    await backend?.close();
  });

  test("Prometheus text, anonymous even once a key exists", async () => {
    await createRepositories(backend).apiKeys.create({ name: uniqueId("metrics"), role: "admin" });
    const scans = await fetch(`${service.url}/api/v1/scans`);
    expect(scans.status).toBe(401);
    const { families, type } = await scrape(service.url);
    expect(type).toStartWith("text/plain; version=0.0.4");
    expect(value(families, "malwar_backend_info", { backend: expected.backend })).toBe(1);
    expect(value(families, "malwar_schema_version")).toBe(5);
    for (const name of [
      "process_cpu_user_seconds_total",
      "process_resident_memory_bytes",
      "nodejs_heap_size_used_bytes",
    ]) {
      expect(value(families, name)).toBeGreaterThan(0);
    }
  });

  test("request counts and the latency histogram move by the requests made, labelled by route template", async () => {
    const before = (await scrape(service.url)).families;
    const labels = { method: "GET", route: "/api/v1/scans/:id", status: "401" };
    const unmatched = { method: "GET", route: "unmatched", status: "404" };
    const secretIds = [uniqueId("scan-id-in-path"), uniqueId("scan-id-in-path"), uniqueId("scan-id-in-path")];
    for (const id of secretIds) await fetch(`${service.url}/api/v1/scans/${id}`);
    await fetch(`${service.url}/not/a/route/${secretIds[0]}`);
    expect((await fetch(`${service.url}/api/v1/scans`, { method: "PATCH" })).status).toBe(405);
    const { families: after, text } = await scrape(service.url);
    const counter = "malwar_http_requests_total";
    const histogram = "malwar_http_request_duration_seconds";
    expect(value(after, counter, labels) - value(before, counter, labels)).toBe(3);
    expect(histogramCount(after, histogram, labels) - histogramCount(before, histogram, labels)).toBe(3);
    expect(value(after, counter, unmatched) - value(before, counter, unmatched)).toBe(1);
    expect(value(after, counter, { method: "PATCH", route: "/api/v1/scans", status: "405" })).toBe(1);
    // The scrape before this one counted too: /metrics is a route like the others.
    expect(value(after, counter, { method: "GET", route: "/metrics", status: "200" })).toBeGreaterThanOrEqual(
      2,
    );
    expect(value(after, `${histogram}_bucket`, { ...labels, le: "+Inf" })).toBe(
      histogramCount(after, histogram, labels),
    );
    expect(value(after, `${histogram}_sum`, labels)).toBeGreaterThan(0);
    for (const id of secretIds) expect(text).not.toContain(id);
    expect(text).not.toContain("/not/a/route");
  });

  test("database call latency, usage rows pending, pool gauges and storage files", async () => {
    const reposBefore = (await scrape(service.url)).families;
    // Anonymous calls are refused now (a key exists): use the admin key made for this.
    const { key } = await createRepositories(backend).apiKeys.create({ name: uniqueId("m"), role: "admin" });
    const body = scanBody();
    const created = await fetch(`${service.url}/api/v1/scans`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": key },
      body: JSON.stringify(body),
    });
    expect(created.status).toBe(201);
    const { families } = await scrape(service.url);
    const query = "malwar_db_query_duration_seconds";
    expect(
      histogramCount(families, query, { operation: "transaction", outcome: "ok" }) -
        histogramCount(reposBefore, query, { operation: "transaction", outcome: "ok" }),
    ).toBeGreaterThanOrEqual(1);
    expect(histogramCount(families, query, {})).toBeGreaterThan(histogramCount(reposBefore, query, {}));

    const pending = value(families, "malwar_usage_rows_pending");
    // The scrape's own request is counted once its answer is out, after the gauges were read.
    expect(pending + 1).toBe(service.app.usage.pending);
    expect(pending).toBeGreaterThan(value(reposBefore, "malwar_usage_rows_pending"));
    await service.app.drain();
    expect(value((await scrape(service.url)).families, "malwar_usage_rows_pending")).toBe(0);
    expect(value(families, "malwar_usage_rows_dropped_total")).toBe(0);

    const max = value(families, "malwar_db_pool_connections_max");
    const inUse = value(families, "malwar_db_pool_connections_in_use");
    const idle = value(families, "malwar_db_pool_connections_idle");
    expect(max).toBe(expected.poolMax);
    expect(inUse + idle).toBeGreaterThanOrEqual(1);
    expect(inUse + idle).toBeLessThanOrEqual(max);
    expect(value(families, "malwar_db_pool_waiting")).toBeGreaterThanOrEqual(0);

    const wal = families.find((f) => f.name === "malwar_storage_wal_bytes");
    if (expected.backend === "sqlite") {
      // The scan was just written and the connection is open: the WAL holds its pages.
      expect(Number(wal?.metrics[0]?.value)).toBeGreaterThan(0);
      expect(value(families, "malwar_storage_file_bytes")).toBeGreaterThan(0);
    } else {
      expect(wal).toBeUndefined();
    }
  });
}

describe("GET /metrics on SQLite", () => {
  const dir = makeTempDir("malwar-metrics-");
  afterAll(() => dir.cleanup());
  metricsSuite(() => openSqlite(dir.file("metrics.db")), { backend: "sqlite", poolMax: 1 });
});

describePostgres("GET /metrics on PostgreSQL", (db) => {
  metricsSuite(() => openPostgres(db().url, 4), { backend: "postgres", poolMax: 4 });
});

describe("usage rows dropped", () => {
  test("counted for good once the buffer overflows while writes fail", async () => {
    const recorder = new UsageRecorder(
      async () => {
        throw new Error("database down");
      },
      { maxPending: 3, batchSize: 1000, intervalMs: 60_000, logger: captureLog("error").logger },
    );
    for (let i = 0; i < 5; i++) {
      recorder.record({
        api_key: null,
        endpoint: "/x",
        method: "GET",
        status_code: 200,
        timestamp: Date.now(),
      });
    }
    expect(recorder.pending).toBe(3);
    expect(recorder.droppedTotal).toBe(2);
    await recorder.flush();
    expect(recorder.droppedTotal).toBe(2);
  });
});
