import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { BackendOperation, DatabaseBackend } from "../../backends/index.ts";
import { processMetrics } from "./process-metrics.ts";

/** What the gauges read at each scrape. */
export interface MetricSources {
  backend: DatabaseBackend;
  usage: { readonly pending: number; readonly droppedTotal: number };
  /** Highest applied migration; may fail or be slow while the database is down. */
  schemaVersion(): Promise<number>;
}

/** Label value for every path no route matched: raw paths never become labels. */
export const UNMATCHED_ROUTE = "unmatched";

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);
const HTTP_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const QUERY_BUCKETS = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];
/** A scrape must answer while the database is down: the schema version is left out past this. */
const SCHEMA_VERSION_DEADLINE_MS = 1000;

type RequestLabels = "method" | "route" | "status";

interface RequestSeries {
  count: { inc(): void };
  seconds: { observe(value: number): void };
}

/**
 * The service's Prometheus metrics. Labels hold only bounded values: methods from a fixed set,
 * route templates (or "unmatched"), status codes, backend operation names.
 */
export class ServiceMetrics {
  readonly registry = new Registry();
  readonly #requests: Counter<RequestLabels>;
  readonly #requestSeconds: Histogram<RequestLabels>;
  readonly #querySeconds: Histogram<"operation" | "outcome">;
  /** Label lookups hash their values; each combination is looked up once. */
  readonly #series = new Map<string, RequestSeries>();
  readonly #querySeries = new Map<string, { observe(value: number): void }>();

  constructor() {
    const registers = [this.registry];
    this.#requests = new Counter({
      name: "malwar_http_requests_total",
      help: "HTTP requests answered, by method, route template and status.",
      labelNames: ["method", "route", "status"],
      registers,
    });
    this.#requestSeconds = new Histogram({
      name: "malwar_http_request_duration_seconds",
      help: "Time from a request's arrival to its response, by method, route template and status.",
      labelNames: ["method", "route", "status"],
      buckets: HTTP_BUCKETS,
      registers,
    });
    this.#querySeconds = new Histogram({
      name: "malwar_db_query_duration_seconds",
      help: "Database calls through the backend contract (a transaction counts whole, and its statements each).",
      labelNames: ["operation", "outcome"],
      buckets: QUERY_BUCKETS,
      registers,
    });
  }

  /** Starts the gauges that read the running service at each scrape. */
  bind(sources: MetricSources): void {
    const registers = [this.registry];
    const pool = () => sources.backend.poolStats();
    new Gauge({
      name: "malwar_backend_info",
      help: "The storage backend in use (always 1).",
      labelNames: ["backend"],
      registers,
    }).set({ backend: sources.backend.backendName }, 1);
    gauge(registers, "malwar_db_pool_connections_in_use", "Database connections running a statement.", () => {
      const s = pool();
      return s.open - s.idle;
    });
    gauge(
      registers,
      "malwar_db_pool_connections_idle",
      "Open database connections doing nothing.",
      () => pool().idle,
    );
    gauge(
      registers,
      "malwar_db_pool_connections_max",
      "The most database connections the pool opens.",
      () => pool().max,
    );
    gauge(
      registers,
      "malwar_db_pool_waiting",
      "Calls queued for a database connection.",
      () => pool().waiting,
    );
    gauge(
      registers,
      "malwar_usage_rows_pending",
      "api_usage rows buffered, not yet written.",
      () => sources.usage.pending,
    );
    new Counter({
      name: "malwar_usage_rows_dropped_total",
      help: "api_usage rows dropped because the database kept failing and the buffer was full.",
      registers,
      collect() {
        this.reset();
        this.inc(sources.usage.droppedTotal);
      },
    });
    if (sources.backend.storageStats() !== null) {
      const files = () => sources.backend.storageStats();
      gauge(
        registers,
        "malwar_storage_wal_bytes",
        "Size of the database's write-ahead log file (a backend that keeps its own files: the embedded one).",
        () => files()?.walBytes,
      );
      gauge(
        registers,
        "malwar_storage_file_bytes",
        "Size of the database file (a backend that keeps its own files).",
        () => files()?.fileBytes,
      );
    }
    new Gauge({
      name: "malwar_schema_version",
      help: "Highest applied migration (absent while the database does not answer).",
      registers,
      async collect() {
        const version = await withDeadline(sources.schemaVersion(), SCHEMA_VERSION_DEADLINE_MS);
        if (version === null) this.reset();
        else this.set(version);
      },
    });
  }

  observeRequest(method: string, route: string, status: number, seconds: number): void {
    const m = METHODS.has(method) ? method : "OTHER";
    const key = `${m} ${status} ${route}`;
    let series = this.#series.get(key);
    if (series === undefined) {
      const labels = { method: m, route, status: String(status) };
      series = { count: this.#requests.labels(labels), seconds: this.#requestSeconds.labels(labels) };
      this.#series.set(key, series);
    }
    series.count.inc();
    series.seconds.observe(seconds);
  }

  /** For TimedBackend: an arrow, so it can be handed over as it is. */
  readonly observeQuery = (operation: BackendOperation, seconds: number, failed: boolean): void => {
    const key = failed ? `${operation}!` : operation;
    let series = this.#querySeries.get(key);
    if (series === undefined) {
      series = this.#querySeconds.labels({ operation, outcome: failed ? "error" : "ok" });
      this.#querySeries.set(key, series);
    }
    series.observe(seconds);
  };

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The text exposition: this service's series, then the process's. */
  async render(): Promise<string> {
    const [own, process] = await Promise.all([this.registry.metrics(), processMetrics().metrics()]);
    return `${own}\n${process}`;
  }
}

function gauge(registers: Registry[], name: string, help: string, read: () => number | undefined): void {
  new Gauge({
    name,
    help,
    registers,
    collect() {
      const value = read();
      if (value === undefined) this.reset();
      else this.set(value);
    },
  });
}

async function withDeadline<T>(pending: Promise<T>, ms: number): Promise<T | null> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), ms);
  });
  try {
    return await Promise.race([pending.catch(() => null), expired]);
  } finally {
    clearTimeout(timer);
  }
}
