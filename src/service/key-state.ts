import type { ChangeHandlers } from "../backends/index.ts";

/**
 * The longest an answer about keys is kept even while signals arrive: writers that do not signal
 * (plain SQL in psql, an older malwar) are then seen within this time.
 */
export const KEY_ANSWER_MAX_AGE_MS = 1_000;

/**
 * Decides whether an answer read from api_keys may be served again without reading.
 *
 * The rule: an answer may be kept only if, before its read was sent, this process was listening
 * for key changes with a proven path (`onLive`), and no change signal or loss of the listening
 * connection has been seen since. Writers signal in the transaction of the change, so a change
 * committed after the read's snapshot is announced to this process; until that announcement is
 * read the answer stands, a window of one notification's delivery (well under a millisecond on
 * one host) instead of one query per request. Without a live listener (SQLite, a transaction-mode
 * pooler, a lost connection) nothing is kept.
 */
export class KeyStateFreshness implements ChangeHandlers {
  #live = false;
  #generation = 0;
  readonly #now: () => number;

  /** A monotonic clock by default: a wall clock stepped back would stretch the age limit. */
  constructor(now: () => number = () => performance.now()) {
    this.#now = now;
  }

  /** Whether a listener has proved that signals reach this process, and is still connected. */
  get live(): boolean {
    return this.#live;
  }

  onChange(): void {
    this.#generation++;
  }

  onLive(): void {
    this.#live = true;
    this.#generation++;
  }

  onLost(): void {
    this.#live = false;
    this.#generation++;
  }

  /** Taken just before a read is sent; null when its answer must not be kept. */
  begin(): ReadToken | null {
    return this.#live ? { generation: this.#generation, at: this.#now() } : null;
  }

  /** Whether an answer read under `token` may still be served. */
  holds(token: ReadToken): boolean {
    return (
      this.#live && token.generation === this.#generation && this.#now() - token.at < KEY_ANSWER_MAX_AGE_MS
    );
  }
}

export interface ReadToken {
  readonly generation: number;
  readonly at: number;
}
