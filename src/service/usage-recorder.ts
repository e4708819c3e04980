import { describeError, getLogger, type Logger } from "../log/index.ts";

/** One request as api_usage keeps it. */
export interface UsageEntry {
  api_key: string | null;
  endpoint: string;
  method: string;
  status_code: number;
  /** When the request was answered, in epoch milliseconds (turned into text only when written). */
  timestamp: number;
}

export type UsageSink = (entries: readonly UsageEntry[]) => Promise<void>;

export interface UsageRecorderOptions {
  /** Flush once this many entries are waiting. */
  batchSize?: number;
  /** Flush at least this often while entries are waiting. */
  intervalMs?: number;
  /** Entries kept while the database is failing; older ones are dropped beyond this. */
  maxPending?: number;
  /** Default: the process's logger. */
  logger?: Pick<Logger, "warn">;
}

/**
 * Counts requests without putting a database write on any response's path: entries are buffered
 * and written in batches, one insert per batch instead of one per request. A failed batch is
 * logged and kept for the next attempt (bounded, so a dead database cannot grow memory forever).
 */
export class UsageRecorder {
  readonly #sink: UsageSink;
  readonly #batchSize: number;
  readonly #intervalMs: number;
  readonly #maxPending: number;
  readonly #logger: Pick<Logger, "warn">;
  #pending: UsageEntry[] = [];
  #timer: ReturnType<typeof setTimeout> | null = null;
  #flushing: Promise<void> | null = null;
  #dropped = 0;
  #droppedTotal = 0;
  #lastFailed = false;

  constructor(sink: UsageSink, options: UsageRecorderOptions = {}) {
    this.#sink = sink;
    // Measured on SQLite, a batch of 1,000 rows costs under half as much per row as one of 200
    // (each commit has a fixed cost, and writes block the event loop there); entries still wait
    // at most intervalMs, so a quiet service writes them just as soon.
    this.#batchSize = options.batchSize ?? 1000;
    this.#intervalMs = options.intervalMs ?? 1000;
    this.#maxPending = options.maxPending ?? 50_000;
    this.#logger = options.logger ?? getLogger();
  }

  get pending(): number {
    return this.#pending.length;
  }

  /** Entries dropped since this recorder started (the buffer was full while writes failed). */
  get droppedTotal(): number {
    return this.#droppedTotal;
  }

  record(entry: UsageEntry): void {
    this.#pending.push(entry);
    if (this.#pending.length > this.#maxPending) {
      const excess = this.#pending.length - this.#maxPending;
      this.#pending.splice(0, excess);
      this.#dropped += excess;
      this.#droppedTotal += excess;
    }
    if (this.#pending.length >= this.#batchSize) void this.#startFlush();
    else if (this.#timer === null) {
      this.#timer = setTimeout(() => {
        this.#timer = null;
        void this.#startFlush();
      }, this.#intervalMs);
      // A waiting batch must not keep a process alive that is otherwise done.
      this.#timer.unref?.();
    }
  }

  /** Writes everything recorded so far; resolves when it is stored (or the attempt failed and was logged). */
  async flush(): Promise<void> {
    if (this.#timer !== null) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
    // Entries recorded while a batch was being written belong to this flush too.
    for (;;) {
      if (this.#flushing !== null) {
        await this.#flushing;
        continue;
      }
      if (this.#pending.length === 0) return;
      await this.#startFlush();
      // The database refused the batch: it stays pending for a later attempt, not a busy loop.
      if (this.#lastFailed) return;
    }
  }

  #startFlush(): Promise<void> {
    if (this.#flushing !== null) return this.#flushing;
    if (this.#pending.length === 0) return Promise.resolve();
    const batch = this.#pending.splice(0, this.#batchSize);
    this.#flushing = (async () => {
      try {
        await this.#sink(batch);
        this.#lastFailed = false;
        if (this.#dropped > 0) {
          this.#logger.warn(
            { dropped: this.#dropped },
            `api_usage: ${this.#dropped} request(s) were not counted while the database was failing`,
          );
          this.#dropped = 0;
        }
      } catch (error) {
        this.#lastFailed = true;
        this.#pending.unshift(...batch);
        this.#logger.warn(
          { pending: this.#pending.length, error: describeError(error) },
          `api_usage: could not record ${batch.length} request(s)`,
        );
      } finally {
        this.#flushing = null;
      }
      if (!this.#lastFailed && this.#pending.length >= this.#batchSize) void this.#startFlush();
    })();
    return this.#flushing;
  }
}
