import type { PoolStats } from "../database-backend.ts";
import type { DriverPool } from "./driver-types.ts";
import { warmConnections } from "./warm-connections.ts";

/**
 * One PostgreSQL pool of `min`..`max` connections, built from two driver pools because
 * postgres.js has neither a minimum size nor a way to close only the idle connections above one
 * (its idle_timeout closes every idle connection):
 *  - `kept`: `min` slots, never closed for idleness, opened at start and reopened (with backoff)
 *    when the server drops them;
 *  - `spare`: `max - min` slots with an idle timeout, used only while all kept ones are busy.
 * Each driver pool caps its own connections, so the total never exceeds `max`.
 *
 * The driver does not expose its connections, so `open` is tracked from the outside: a pool
 * opens a connection when a statement finds no idle one, and reports every close.
 */
export interface PoolPart {
  readonly pool: DriverPool;
  readonly max: number;
  inFlight: number;
  open: number;
}

export type PartFactory = (spec: {
  max: number;
  idleTimeout: number | null;
  onClose: () => void;
}) => DriverPool;

/**
 * A slot of the pool's `max` given to a connection held outside it (the LISTEN connection), so
 * that all of a backend's connections together still stay within `max`.
 */
export interface HeldSlot {
  /** Counts a held connection opening (+1) or closing (-1) in `stats().open`. */
  adjustOpen(delta: 1 | -1): void;
  release(): void;
}

const REWARM_FIRST_DELAY_MS = 500;
const REWARM_MAX_DELAY_MS = 30_000;

export class ConnectionPool {
  readonly max: number;
  readonly #kept: PoolPart | undefined;
  readonly #spare: PoolPart | undefined;
  readonly #drained: (() => void)[] = [];
  #closing = false;
  #rewarmTimer: ReturnType<typeof setTimeout> | undefined;
  #rewarmDelay = REWARM_FIRST_DELAY_MS;
  #held = 0;
  #heldOpen = 0;

  constructor(min: number, max: number, idleTimeout: number, create: PartFactory) {
    this.max = max;
    this.#kept = min > 0 ? this.#part(create, min, null, true) : undefined;
    this.#spare = max > min ? this.#part(create, max - min, idleTimeout, false) : undefined;
  }

  /** Opens the kept connections (or, with min = 0, one spare to prove the server answers). */
  async warm(): Promise<void> {
    if (this.#kept) {
      await warmConnections(this.#kept.pool, this.#kept.max);
      this.#kept.open = this.#kept.max;
    } else if (this.#spare) {
      await this.run((pool) => pool.unsafe("select 1", [], { simple: true }));
    }
  }

  /**
   * Runs `work` on the part with room; counts it in flight until it settles. Not an async
   * function: every statement passes here, and each async layer costs turns of the event loop.
   */
  run<T>(work: (pool: DriverPool) => PromiseLike<T>): Promise<T> {
    const part = this.#choose();
    part.inFlight++;
    // No idle connection in this part means the driver opens one, if it still has a slot.
    part.open = Math.max(part.open, Math.min(part.inFlight, part.max));
    let pending: PromiseLike<T>;
    try {
      pending = work(part.pool);
    } catch (error) {
      this.#settled(part);
      return Promise.reject(error);
    }
    // The driver's queries are lazy thenables: calling then() is what sends them.
    return new Promise<T>((resolve, reject) => {
      pending.then(
        (value) => {
          this.#settled(part);
          resolve(value);
        },
        (error: unknown) => {
          this.#settled(part);
          reject(error);
        },
      );
    });
  }

  #settled(part: PoolPart): void {
    part.inFlight--;
    if (this.#drained.length > 0 && this.inFlight === 0) {
      for (const resolve of this.#drained.splice(0)) resolve();
    }
  }

  get inFlight(): number {
    return (this.#kept?.inFlight ?? 0) + (this.#spare?.inFlight ?? 0);
  }

  /**
   * Takes one slot from the spare part's budget, or null when there is none to take: the
   * minimum is already the maximum, or there is no kept part (min = 0) for statements to queue
   * on once the spare part is at its reduced budget. Spare connections opened before the slot was
   * taken close once idle.
   */
  holdSlot(): HeldSlot | null {
    const spare = this.#spare;
    if (spare === undefined || this.#kept === undefined || spare.max - this.#held < 1) return null;
    this.#held++;
    let released = false;
    let open = 0;
    return {
      adjustOpen: (delta) => {
        if (released || open + delta < 0) return;
        open += delta;
        this.#heldOpen += delta;
      },
      release: () => {
        if (released) return;
        released = true;
        this.#heldOpen -= open;
        this.#held--;
      },
    };
  }

  stats(): PoolStats {
    const parts = [this.#kept, this.#spare].filter((p): p is PoolPart => p !== undefined);
    let open = this.#heldOpen;
    let idle = 0;
    let waiting = 0;
    for (const p of parts) {
      open += p.open;
      idle += Math.max(0, p.open - p.inFlight);
      // Beyond its connections, the driver queues a part's statements behind busy ones.
      waiting += Math.max(0, p.inFlight - p.open);
    }
    return { open, idle, max: this.max, waiting };
  }

  /** Resolves once nothing runs; new work is the caller's to refuse. */
  drain(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.#drained.push(resolve));
  }

  async end(timeoutSeconds: number): Promise<void> {
    this.#closing = true;
    if (this.#rewarmTimer !== undefined) clearTimeout(this.#rewarmTimer);
    this.#rewarmTimer = undefined;
    await Promise.all(
      [this.#kept, this.#spare].map((p) => p?.pool.end({ timeout: timeoutSeconds }).catch(() => {})),
    );
    if (this.#kept) this.#kept.open = 0;
    if (this.#spare) this.#spare.open = 0;
  }

  #part(create: PartFactory, max: number, idleTimeout: number | null, kept: boolean): PoolPart {
    const part: PoolPart = {
      max,
      inFlight: 0,
      open: 0,
      pool: create({
        max,
        idleTimeout,
        onClose: () => {
          part.open = Math.max(0, part.open - 1);
          if (kept) this.#scheduleRewarm();
        },
      }),
    };
    return part;
  }

  #choose(): PoolPart {
    const kept = this.#kept;
    // Held slots come out of the spare budget: while its statements in flight stay under that,
    // the driver never has cause to open more connections than the budget.
    const spareMax = (this.#spare?.max ?? 0) - this.#held;
    const spare = spareMax > 0 ? this.#spare : undefined;
    if (kept && (kept.inFlight < kept.max || !spare)) return kept;
    if (spare && (spare.inFlight < spareMax || !kept)) return spare;
    // Both full: the driver pipelines onto busy connections. The spare driver pool would open
    // another connection for a statement beyond its budget while it has slots of its own, so
    // with a slot held the queue stays on the kept part; otherwise it is shared by load.
    if (kept && this.#held > 0) return kept;
    const k = kept as PoolPart;
    const s = spare as PoolPart;
    return k.inFlight / k.max <= s.inFlight / spareMax ? k : s;
  }

  /**
   * The minimum is "kept": when the server drops kept connections (restart, idle kill,
   * max_lifetime), reopen them in the background rather than at the next caller's expense.
   * One attempt at a time, backing off while the server stays away.
   */
  #scheduleRewarm(): void {
    const kept = this.#kept;
    if (this.#closing || !kept || this.#rewarmTimer !== undefined) return;
    this.#rewarmTimer = setTimeout(async () => {
      try {
        await warmConnections(kept.pool, kept.max);
        kept.open = kept.max;
        this.#rewarmDelay = REWARM_FIRST_DELAY_MS;
      } catch {
        this.#rewarmDelay = Math.min(this.#rewarmDelay * 2, REWARM_MAX_DELAY_MS);
      } finally {
        this.#rewarmTimer = undefined;
      }
      if (!this.#closing && kept.open < kept.max) this.#scheduleRewarm();
    }, this.#rewarmDelay);
    // A pending re-warm must not keep a process alive that has nothing else to do.
    (this.#rewarmTimer as { unref?: () => void }).unref?.();
  }
}
