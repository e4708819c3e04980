import type { ChangeHandlers, ChangeWatch } from "../database-backend.ts";

/** The one connection a listener holds, as the driver makes it. */
export interface ListenConnection {
  unsafe(text: string): Promise<unknown>;
  end(options: { timeout: number }): Promise<void>;
}

export interface ListenerEvents {
  onNotify(channel: string, payload: string): void;
  onClose(): void;
}

export interface ChangeListenerDeps {
  /** Opens a fresh single connection whose notifications and close go to `events`. */
  connect(events: ListenerEvents): ListenConnection;
  /** Sends a notification through the backend's pool, never through the listening connection. */
  signal(channel: string, payload: string): Promise<void>;
  log(line: string): void;
  /** How long a probe may take to come back; after that the path is taken to be broken. */
  probeTimeoutMs?: number;
  /** Pause before a lost connection is replaced. */
  reconnectDelayMs?: number;
}

const PROBE_PREFIX = "probe:";

/**
 * LISTEN on one dedicated connection, outside the pool (a pooled connection is shared, and
 * LISTEN is session state).
 *
 * It reports itself live only once a probe notification, sent through the pool like any writer's,
 * has come back on the listening connection: that proves that signals reach this process.
 * Behind a transaction-mode pooler LISTEN is accepted but notifications never come back; the probe
 * then times out and the listener gives up for good (logged once), so its user keeps reading
 * instead of trusting a cache nothing would ever invalidate.
 *
 * A connection that closes reports `onLost` (signals in the gap are unknowable) and is replaced
 * by a fresh one: a new driver instance each time, so no reconnect of the driver's is involved.
 */
export class ChangeListener implements ChangeWatch {
  readonly #channel: string;
  readonly #handlers: ChangeHandlers;
  readonly #deps: ChangeListenerDeps;
  #conn: ListenConnection | null = null;
  #live = false;
  #closed = false;
  #probe: { payload: string; arrived: () => void } | null = null;
  #retry: ReturnType<typeof setTimeout> | null = null;
  /** Ends the probes being waited for (as not come back): close() must not wait out their timers. */
  readonly #cancelProbes = new Set<() => void>();
  /** A probe has come back on some connection of this listener: the path works. */
  #proven = false;

  constructor(channel: string, handlers: ChangeHandlers, deps: ChangeListenerDeps) {
    this.#channel = channel;
    this.#handlers = handlers;
    this.#deps = deps;
  }

  get live(): boolean {
    return this.#live;
  }

  start(): void {
    void this.#open();
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#live = false;
    if (this.#retry !== null) clearTimeout(this.#retry);
    this.#retry = null;
    for (const cancel of this.#cancelProbes) cancel();
    const conn = this.#conn;
    this.#conn = null;
    if (conn !== null) await conn.end({ timeout: 0 }).catch(() => {});
  }

  async #open(): Promise<void> {
    this.#retry = null;
    if (this.#closed) return;
    let conn: ListenConnection;
    try {
      conn = this.#deps.connect({
        onNotify: (channel, payload) => {
          if (conn !== this.#conn || channel !== this.#channel) return;
          if (this.#probe !== null && payload === this.#probe.payload) this.#probe.arrived();
          // Another process's probe changes nothing; anything else is a change.
          else if (!payload.startsWith(PROBE_PREFIX)) this.#handlers.onChange();
        },
        onClose: () => {
          if (conn === this.#conn) this.#dropped(conn);
        },
      });
    } catch (error) {
      // Refused before any connection was tried (bad options): retrying cannot help.
      this.#deps.log(
        `cannot listen on ${this.#channel}: ${error instanceof Error ? error.message : String(error)}; changes will be read from the database every time`,
      );
      return;
    }
    this.#conn = conn;
    try {
      await conn.unsafe(`LISTEN "${this.#channel.replaceAll('"', '""')}"`);
      if (conn !== this.#conn) return;
      const reached = await this.#probeArrives();
      if (conn !== this.#conn) return;
      if (!reached && this.#proven) {
        // This path carried notifications before: a lost probe is a failing connection, not a
        // pooler, so it is replaced like any other.
        this.#dropped(conn);
        return;
      }
      if (!reached) {
        this.#deps.log(
          `notifications on ${this.#channel} do not come back through this connection (a transaction-mode pooler?); changes will be read from the database every time`,
        );
        this.#conn = null;
        await conn.end({ timeout: 0 }).catch(() => {});
        return;
      }
      this.#proven = true;
      this.#live = true;
      this.#handlers.onLive();
    } catch {
      // The database is unreachable or went away: try again shortly, as after a lost connection.
      if (conn === this.#conn) this.#dropped(conn);
    }
  }

  async #probeArrives(): Promise<boolean> {
    const payload = `${PROBE_PREFIX}${crypto.randomUUID()}`;
    let settle: (reached: boolean) => void = () => {};
    const outcome = new Promise<boolean>((resolve) => {
      settle = resolve;
    });
    const probe = { payload, arrived: () => settle(true) };
    const cancel = () => settle(false);
    this.#probe = probe;
    this.#cancelProbes.add(cancel);
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      // The wait starts once the probe is sent: a busy pool may hold the signal for a while, and
      // that says nothing about whether notifications come back.
      await this.#deps.signal(this.#channel, payload);
      timer = setTimeout(cancel, this.#deps.probeTimeoutMs ?? 5_000);
      return await outcome;
    } finally {
      clearTimeout(timer);
      this.#cancelProbes.delete(cancel);
      // A newer connection may have started its own probe meanwhile; only this one's is cleared.
      if (this.#probe === probe) this.#probe = null;
    }
  }

  #dropped(conn: ListenConnection): void {
    this.#conn = null;
    void conn.end({ timeout: 0 }).catch(() => {});
    if (this.#live) {
      this.#live = false;
      this.#handlers.onLost();
    }
    if (this.#closed) return;
    this.#retry = setTimeout(() => void this.#open(), this.#deps.reconnectDelayMs ?? 1_000);
    // Listening must never keep a process alive that is otherwise done.
    this.#retry.unref?.();
  }
}
