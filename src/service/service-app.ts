import { type DatabaseBackend, JoinedTransaction, TimedBackend } from "../backends/index.ts";
import { describeError, getLogger, type Logger } from "../log/index.ts";
import { createRepositories, KEY_CHANGES_CHANNEL, type Repositories } from "../repositories/index.ts";
import { type KeyVerifier, keptKeyVerifier, type OpenModeCheck, openModeCheck } from "./auth.ts";
import { DatabaseHealthCheck } from "./database-health.ts";
import type { RequestContext } from "./endpoint.ts";
import { KeyStateFreshness } from "./key-state.ts";
import { ServiceMetrics } from "./observability/service-metrics.ts";
import { type UsageEntry, UsageRecorder } from "./usage-recorder.ts";

/** What an audited change says about itself; who, from where and when are filled in. */
export interface ChangeRecord {
  event_type: string;
  resource_type: string;
  resource_id: string;
  action: "create" | "update" | "delete";
  details?: Record<string, unknown>;
}

/** State shared by every route of one running service. */
export interface ServiceApp {
  /** The caller's backend, behind a wrapper that times each call for the metrics. */
  backend: DatabaseBackend;
  repos: Repositories;
  /**
   * For lists and searches, which may lag the latest writes: on the read replica when one is
   * configured (MALWAR_POSTGRES_READ_URL). Reads by id stay on `repos`, so a client always
   * sees what it has just written.
   */
  listRepos: Repositories;
  keys: KeyVerifier;
  /** Whether the service is open, for requests without a valid key. */
  openMode: OpenModeCheck;
  logger: Logger;
  metrics: ServiceMetrics;
  readyTimeoutMs: number;
  /** What GET /health reports about the database (bounded wait, last schema version kept). */
  databaseHealth: DatabaseHealthCheck;
  usage: UsageRecorder;
  recordUsage(keyId: string | null, endpoint: string, method: string, status: number): void;
  /** Stamps api_keys.last_used after a successful request, at most once a minute per key, off the response path. */
  noteKeyUsed(keyId: string): void;
  /** Waits for background writes (usage counts, last_used stamps); call before closing the backend. */
  drain(): Promise<void>;
  /** Stops listening for key changes, then drains; the backend stays open. */
  close(): Promise<void>;
  /**
   * Runs a change and its audit row in one transaction: both are stored or neither is, so a
   * failed request leaves nothing behind and a stored change always has its audit row.
   */
  change<T>(
    rc: RequestContext,
    work: (repos: Repositories) => Promise<{ result: T; audit: ChangeRecord }>,
  ): Promise<T>;
}

export interface ServiceAppOptions {
  backend: DatabaseBackend;
  /** Default: the process's logger (src/log). */
  logger?: Logger;
  readyTimeoutMs?: number;
  usageBatchSize?: number;
  usageIntervalMs?: number;
}

const MAX_ENDPOINT = 512;
/** last_used is for spotting stale keys, so minute precision is plenty and saves a write per request. */
const KEY_TOUCH_INTERVAL_MS = 60_000;
const CLOSE_DRAIN_TIMEOUT_MS = 3_000;

export function createServiceApp(options: ServiceAppOptions): ServiceApp {
  const logger = options.logger ?? getLogger();
  const metrics = new ServiceMetrics();
  const backend = new TimedBackend(options.backend, metrics.observeQuery);
  const repos = createRepositories(backend);
  const usage = new UsageRecorder(
    // Entries are made by recordUsage below, already within the columns' bounds; the
    // repository writes a batch as one statement, all rows or none.
    (entries: readonly UsageEntry[]) =>
      repos.apiUsage.recordMany(entries.map((e) => ({ ...e, timestamp: new Date(e.timestamp) }))),
    { logger, batchSize: options.usageBatchSize, intervalMs: options.usageIntervalMs },
  );
  metrics.bind({ backend, usage, schemaVersion: () => repos.schema.version() });
  /*
   * Answers about keys are kept only while the backend can tell this process of every key change
   * (key-state.ts): a live LISTEN on PostgreSQL. SQLite has no such signal and reads every time,
   * which costs it microseconds, not a round trip.
   */
  const freshness = new KeyStateFreshness();
  const watch = backend.watchChanges(KEY_CHANGES_CHANNEL, freshness);
  const keys = keptKeyVerifier(repos.apiKeys, watch === null ? null : freshness);
  const lastTouched = new Map<string, number>();
  const pendingTouches = new Set<Promise<void>>();
  const drain = async (): Promise<void> => {
    await Promise.all(pendingTouches);
    await usage.flush();
  };
  return {
    backend,
    repos,
    listRepos: backend.forLaggingReads() === backend ? repos : createRepositories(backend.forLaggingReads()),
    keys,
    openMode: openModeCheck(repos.apiKeys, watch === null ? null : freshness),
    logger,
    metrics,
    readyTimeoutMs: options.readyTimeoutMs ?? 2000,
    databaseHealth: new DatabaseHealthCheck(() => repos.schema.version()),
    usage,
    recordUsage(keyId, endpoint, method, status) {
      usage.record({
        api_key: keyId,
        endpoint: endpoint.length > MAX_ENDPOINT ? endpoint.slice(0, MAX_ENDPOINT) : endpoint,
        method: method.slice(0, 16),
        status_code: status,
        timestamp: Date.now(),
      });
    },
    noteKeyUsed(keyId) {
      const now = Date.now();
      if (now - (lastTouched.get(keyId) ?? 0) < KEY_TOUCH_INTERVAL_MS) return;
      lastTouched.set(keyId, now);
      const touch = repos.apiKeys
        .touchLastUsed(keyId, new Date(now))
        .catch((error: unknown) => {
          lastTouched.delete(keyId);
          logger.warn({ key_id: keyId, error: describeError(error) }, "api_keys: could not stamp last_used");
        })
        .finally(() => pendingTouches.delete(touch));
      pendingTouches.add(touch);
    },
    drain,
    async close() {
      await watch?.close();
      // Usage counts and last_used stamps are bookkeeping: a database that stopped answering
      // must not hold a shutdown past this. What is still unwritten is said in the log.
      let timer: ReturnType<typeof setTimeout> | undefined;
      const drained = await Promise.race([
        drain().then(() => true),
        new Promise<false>((resolve) => {
          timer = setTimeout(() => resolve(false), CLOSE_DRAIN_TIMEOUT_MS);
        }),
      ]);
      clearTimeout(timer);
      if (!drained)
        logger.warn(`shutdown: usage counts still unwritten after ${CLOSE_DRAIN_TIMEOUT_MS} ms are dropped`);
    },
    change(rc, work) {
      // Read before the work: the socket may be gone by the time the audit row is written.
      const ip = rc.ip;
      return backend.transaction(async (tx) => {
        const txRepos = createRepositories(new JoinedTransaction(tx));
        const { result, audit } = await work(txRepos);
        await txRepos.auditLog.append({
          event_type: audit.event_type,
          actor: rc.principal.actor,
          resource_type: audit.resource_type,
          resource_id: audit.resource_id,
          action: audit.action,
          details: {
            method: rc.req.method,
            path: rc.url.pathname,
            role: rc.principal.role,
            ...audit.details,
          },
          ip_address: ip.slice(0, 45),
        });
        return result;
      });
    },
  };
}
