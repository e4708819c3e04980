import { redactSecrets, StorageError } from "../../errors/index.ts";
import { getLogger } from "../../log/index.ts";
import { type CommitSignals, onLocalChange } from "../change-signals.ts";
import type { ChangeHandlers, ChangeWatch, PoolStats } from "../database-backend.ts";
import { ChangeListener, type ListenConnection } from "./change-signals.ts";
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
import { mayRetry, retryDelayMs } from "./retry-policy.ts";
import { PostgresSession } from "./session.ts";
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
  #closing: Promise<void> | undefined;

  private constructor(
    pool: ConnectionPool,
    options: ResolvedPostgresOptions,
    secrets: readonly string[],
    openListenConnection: (options: Record<string, unknown>) => ListenConnection,
  ) {
    super({ prepare: options.prepare, secrets, stats: () => pool.stats() });
    this.#pool = pool;
    this.#options = options;
    this.#openListenConnection = openListenConnection;
  }

  static async create(url: string, options: PostgresOptions): Promise<PostgresDatabase> {
    const resolved = resolveOptions(options);
    const target = describeTarget(url);
    const postgres = await loadPostgresDriver();
    const pool = await connectWithRetry(
      async () => {
        const candidate = new ConnectionPool(
          resolved.min,
          resolved.max,
          resolved.idleTimeout,
          (spec) =>
            // The driver's typings are generic over custom types; this backend sees its own slice.
            postgres(url, driverOptions(resolved, spec)) as unknown as DriverPool,
        );
        try {
          await candidate.warm();
          return candidate;
        } catch (error) {
          // A fresh pool per attempt: the driver's own reconnect backoff would add up with ours.
          await candidate.end(0);
          throw error;
        }
      },
      resolved.connectTimeout,
      target,
    );
    return new PostgresDatabase(
      pool,
      resolved,
      target.secrets,
      (options) => postgres(url, options as Parameters<PostgresFactory>[1]) as unknown as ListenConnection,
    );
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
          ...driverOptions(this.#options, {
            max: 1,
            idleTimeout: null,
            onClose: () => {
              closed();
              events.onClose();
            },
          }),
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
      await this.#pool.end(END_TIMEOUT_SECONDS);
    })();
    return this.#closing;
  }

  protected run(text: string, values: unknown[], options: DriverQueryOptions): Promise<DriverResult> {
    // The first attempt is a plain promise chain: the retry machinery only exists once a
    // statement has failed on a dead connection.
    return this.#attempt(text, values, options, 0, performance.now());
  }

  #attempt(
    text: string,
    values: unknown[],
    options: DriverQueryOptions,
    attempt: number,
    startedAt: number,
  ): Promise<DriverResult> {
    if (this.#closing) return Promise.reject(closedError());
    return this.#pool
      .run((pool) => pool.unsafe(text, values, options))
      .catch(async (error: unknown) => {
        if (this.#closing || !mayRetry(error, attempt, startedAt)) throw error;
        await Bun.sleep(retryDelayMs(attempt));
        return this.#attempt(text, values, options, attempt + 1, startedAt);
      });
  }

  protected async atomically<T>(work: (tx: DriverTransaction) => Promise<T>): Promise<T> {
    const startedAt = performance.now();
    for (let attempt = 0; ; attempt++) {
      this.#assertOpen();
      let started = false;
      try {
        return await this.#pool.run((pool) =>
          pool.begin((tx) => {
            started = true;
            return work(tx);
          }),
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
