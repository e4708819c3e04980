import { redactSecrets, StorageError } from "../../errors/index.ts";
import { getLogger } from "../../log/index.ts";
import { type CommitSignals, onLocalChange } from "../change-signals.ts";
import type { ChangeHandlers, ChangeWatch, PoolStats } from "../database-backend.ts";
import { ChangeListener, type ListenConnection } from "./change-signals.ts";
import { runCheckedBegin } from "./checked-begin.ts";
import { connectWithRetry } from "./connect-with-retry.ts";
import { ConnectionPool } from "./connection.ts";
import { describeTarget } from "./connection-target.ts";
import type { DriverPool, DriverQueryOptions, DriverResult, DriverTransaction } from "./driver-types.ts";
import { loadPostgresDriver, type PostgresFactory } from "./load-driver.ts";
import { logNoticeToDebug } from "./notice-log.ts";
import {
  driverOptions,
  POSTGRES_DEFAULTS,
  type PostgresOptions,
  type ResolvedPostgresOptions,
} from "./pool-options.ts";
import { runReservedTransaction } from "./reserved-transaction.ts";
import { isDuplicateKey, mayRetry, retryDelayMs } from "./retry-policy.ts";
import { sendQuery } from "./send-query.ts";
import { PostgresSession } from "./session.ts";
import {
  type ProbeConnection,
  probeSessionRoute,
  type SessionRoute,
  sessionAttrsOption,
} from "./session-route.ts";
import { withStatementDeadline } from "./statement-deadline.ts";
import { PostgresTransaction } from "./transaction.ts";

export type { PostgresOptions } from "./pool-options.ts";

/**
 * Seconds `close()` gives the driver to end its sockets politely before cutting them. Nothing is
 * in flight by then (close drained the pool first); the driver can otherwise wait forever on a
 * connection it reopened after the server killed the previous one.
 */
const END_TIMEOUT_SECONDS = 1;

/**
 * How long `close()` waits for running statements before ending the sockets under them. A
 * server that went silent (frozen, partitioned) never answers them, and shutdown must not wait
 * forever; ending the pool rejects what is left (CONNECTION_DESTROYED).
 */
const DRAIN_TIMEOUT_MS = 3_000;

/**
 * The pooled PostgreSQL backend (postgres.js). `create` resolves once `min` connections are open;
 * statements outside `transaction` run on any pooled connection and auto-commit.
 */
export class PostgresDatabase extends PostgresSession {
  readonly #pool: ConnectionPool;
  readonly #openListenConnection: (options: Record<string, unknown>) => ListenConnection;
  readonly #options: ResolvedPostgresOptions;
  readonly #watches = new Set<ChangeWatch>();
  /** What was found between this process and the server at connect time. */
  readonly route: SessionRoute;
  /** Set when no session carries statement_timeout: the backend applies it itself. */
  readonly #ownTimeoutMs: number | null;
  #reader: PostgresDatabase | undefined;
  #closing: Promise<void> | undefined;

  private constructor(
    pool: ConnectionPool,
    options: ResolvedPostgresOptions,
    route: SessionRoute,
    secrets: readonly string[],
    openListenConnection: (options: Record<string, unknown>) => ListenConnection,
  ) {
    super({ prepare: options.prepare, secrets, stats: () => pool.stats() });
    this.#pool = pool;
    this.#options = options;
    this.route = route;
    this.#ownTimeoutMs =
      !route.startupTimeout && options.statementTimeout > 0 ? options.statementTimeout : null;
    this.#openListenConnection = openListenConnection;
  }

  static async create(url: string, options: PostgresOptions): Promise<PostgresDatabase> {
    const resolved = resolveOptions(options);
    const target = describeTarget(url);
    const driver = await loadPostgresDriver();
    const attrs = sessionAttrsOption(url);
    const postgres = ((target: string, driverOptions: Parameters<PostgresFactory>[1]) =>
      driver(target, { ...driverOptions, ...attrs })) as PostgresFactory;
    const { pool, route } = await connectWithRetry(
      async () => {
        const route = await probeSessionRoute(
          (withTimeout) =>
            postgres(url, {
              ...driverOptions(
                resolved,
                { max: 1, idleTimeout: null, onClose: () => {} },
                { transactionPooled: true, startupTimeout: withTimeout, inRecovery: false },
              ),
              prepare: false,
              fetch_types: false,
            } as Parameters<PostgresFactory>[1]) as unknown as ProbeConnection,
          resolved.statementTimeout,
        );
        const candidate = new ConnectionPool(
          resolved.min,
          resolved.max,
          resolved.idleTimeout,
          (spec) =>
            // The driver's typings are generic over custom types; this backend sees its own slice.
            // Behind transaction pooling, no named statement at all, the driver's own included.
            postgres(
              url,
              driverOptions(
                route.transactionPooled ? { ...resolved, prepare: false } : resolved,
                spec,
                route,
              ),
            ) as unknown as DriverPool,
        );
        try {
          await candidate.warm();
          return { pool: candidate, route };
        } catch (error) {
          // A fresh pool per attempt: the driver's own reconnect backoff would add up with ours.
          await candidate.end(0);
          throw error;
        }
      },
      resolved.connectTimeout,
      target,
    );
    if (route.transactionPooled && resolved.prepare) {
      console.error(
        redactSecrets(
          `malwar: PostgreSQL at ${target.where} is reached through a transaction-mode pooler (two sessions shared one server process): prepared statements are switched off although MALWAR_POSTGRES_PREPARE is true; set MALWAR_POSTGRES_PREPARE=false to say so`,
          target.secrets,
        ),
      );
    }
    const db = new PostgresDatabase(
      pool,
      // Named statements would be sent to server processes that never saw them prepared.
      route.transactionPooled ? { ...resolved, prepare: false } : resolved,
      route,
      target.secrets,
      (options) => postgres(url, options as Parameters<PostgresFactory>[1]) as unknown as ListenConnection,
    );
    if (options.readUrl) {
      try {
        db.#reader = await PostgresDatabase.create(options.readUrl, { ...options, readUrl: undefined });
      } catch (error) {
        await db.close();
        throw error;
      }
    }
    return db;
  }

  override forLaggingReads(): PostgresDatabase {
    return this.#reader ?? this;
  }

  override async readOnlyReason(): Promise<string | null> {
    const row = await this.fetchOne<{ standby: boolean }>("select pg_is_in_recovery() as standby");
    return row?.standby
      ? "the server is a hot standby (pg_is_in_recovery() is true): it refuses every write"
      : null;
  }

  /**
   * LISTEN on a connection of its own (see ChangeListener), whose slot comes out of the pool's
   * `max`. Null with prepared statements off (that setting is for transaction-mode poolers, where
   * session state such as LISTEN is lost) and when `max` leaves no slot to spare beyond `min`.
   */
  override watchChanges(channel: string, handlers: ChangeHandlers): ChangeWatch | null {
    if (!this.#options.prepare || this.#closing) return null;
    const slot = this.#pool.holdSlot();
    if (slot === null) return null;
    const listener: ChangeListener = new ChangeListener(channel, handlers, {
      connect: (events) => {
        let counted = false;
        const closed = () => {
          if (!counted) return;
          counted = false;
          slot.adjustOpen(-1);
        };
        const conn = this.#openListenConnection({
          ...driverOptions(
            this.#options,
            {
              max: 1,
              idleTimeout: null,
              onClose: () => {
                closed();
                events.onClose();
              },
            },
            this.route,
          ),
          onnotify: events.onNotify,
          // Never recycled: each new connection is a gap in which signals could be missed.
          max_lifetime: null,
          fetch_types: false,
        });
        // Counted once the driver has it (creating it can throw): from here a close uncounts it.
        counted = true;
        slot.adjustOpen(1);
        return {
          unsafe: (text) => conn.unsafe(text),
          end: (options) => conn.end(options).finally(closed),
        };
      },
      signal: async (name, payload) => {
        await this.execute("SELECT pg_notify(?, ?)", [name, payload]);
      },
      log: (line) => getLogger().warn({ component: "postgres" }, redactSecrets(line, this.context.secrets)),
    });
    const stopLocal = onLocalChange(channel, () => handlers.onChange());
    const watch: ChangeWatch = {
      close: async () => {
        stopLocal();
        this.#watches.delete(watch);
        await listener.close();
        slot.release();
      },
    };
    this.#watches.add(watch);
    listener.start();
    return watch;
  }

  async lockForMigration(): Promise<void> {
    throw new StorageError("lockForMigration() must be called inside transaction()", {
      code: "NOT_IN_TRANSACTION",
    });
  }

  override poolStats(): PoolStats {
    return this.#pool.stats();
  }

  /** Lets running statements and transactions finish (up to DRAIN_TIMEOUT_MS), then closes every connection. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await Promise.all([...this.#watches].map((w) => w.close()));
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        this.#pool.drain(),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, DRAIN_TIMEOUT_MS);
        }),
      ]);
      clearTimeout(timer);
      await Promise.all([this.#pool.end(END_TIMEOUT_SECONDS), this.#reader?.close()]);
    })();
    return this.#closing;
  }

  protected run(text: string, values: unknown[], options: DriverQueryOptions): Promise<DriverResult> {
    // The first attempt is a plain promise chain: the retry machinery only exists once a
    // statement has failed on a dead connection.
    return this.#attempt(text, values, options, 0, performance.now(), undefined);
  }

  #attempt(
    text: string,
    values: unknown[],
    options: DriverQueryOptions,
    attempt: number,
    startedAt: number,
    lost: unknown,
  ): Promise<DriverResult> {
    if (this.#closing) return Promise.reject(closedError());
    const timeoutMs = this.#ownTimeoutMs;
    return this.#pool
      .run((pool) =>
        timeoutMs === null
          ? sendQuery(pool, text, values, options)
          : withStatementDeadline(sendQuery(pool, text, values, options), timeoutMs),
      )
      .catch(async (error: unknown) => {
        // A retried write that now meets its own row: the attempt whose connection was lost did
        // commit (its reply was lost with the socket). Reporting a conflict would tell the caller
        // the write was refused; the truth is that its outcome was unknown, so the lost
        // connection's error is what it gets (the fault suite saw such 409s after restarts).
        if (lost !== undefined && isDuplicateKey(error)) throw lost;
        if (this.#closing || !mayRetry(error, attempt, startedAt)) throw error;
        await Bun.sleep(retryDelayMs(attempt));
        return this.#attempt(text, values, options, attempt + 1, startedAt, lost ?? error);
      });
  }

  protected async atomically<T>(work: (tx: DriverTransaction) => Promise<T>): Promise<T> {
    const startedAt = performance.now();
    for (let attempt = 0; ; attempt++) {
      this.#assertOpen();
      let started = false;
      try {
        const begun = (tx: DriverTransaction) => {
          started = true;
          return work(tx);
        };
        const local = { localStatementTimeoutMs: this.#ownTimeoutMs };
        return await this.#pool.run(async (pool) =>
          // Behind transaction pooling the driver's begin is refused (max_pipeline 0): a reserved
          // connection carries the transaction instead.
          this.route.transactionPooled
            ? runReservedTransaction(await pool.reserve(), begun, local)
            : runCheckedBegin(pool, begun, local),
        );
      } catch (error) {
        // Only a BEGIN that failed on a dead connection is retried: once `work` ran, its
        // statements died with the transaction and are the caller's to repeat.
        if (started || this.#closing || !mayRetry(error, attempt, startedAt)) throw error;
        await Bun.sleep(retryDelayMs(attempt));
      }
    }
  }

  protected openTransaction(tx: DriverTransaction, signals: CommitSignals): PostgresTransaction {
    return new PostgresTransaction(tx, this.context, signals);
  }

  #assertOpen(): void {
    if (this.#closing) throw closedError();
  }
}

function closedError(): StorageError {
  return new StorageError("The PostgreSQL backend is closed", { code: "BACKEND_CLOSED" });
}

function resolveOptions(options: PostgresOptions): ResolvedPostgresOptions {
  const min = options?.min;
  const max = options?.max;
  if (!Number.isSafeInteger(min) || min < 0 || !Number.isSafeInteger(max) || max < 1 || min > max) {
    throw new StorageError(
      `PostgreSQL pool sizes need 0 <= min <= max and max >= 1 (got min=${min}, max=${max})`,
      {
        code: "INVALID_OPTIONS",
      },
    );
  }
  return {
    min,
    max,
    connectTimeout: options.connectTimeout ?? POSTGRES_DEFAULTS.connectTimeout,
    statementTimeout: options.statementTimeout ?? POSTGRES_DEFAULTS.statementTimeout,
    prepare: options.prepare ?? POSTGRES_DEFAULTS.prepare,
    idleTimeout: options.idleTimeout ?? POSTGRES_DEFAULTS.idleTimeout,
    applicationName: options.applicationName ?? POSTGRES_DEFAULTS.applicationName,
    onNotice: options.onNotice ?? logNoticeToDebug,
  };
}
