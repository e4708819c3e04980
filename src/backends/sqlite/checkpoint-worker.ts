/**
 * Runs in a Worker thread. With synchronous=NORMAL a checkpoint is where SQLite fsyncs, and the
 * automatic one runs inside whichever commit crosses the threshold, stalling that request and the
 * whole event loop with it. Here each watched file gets its own connection that checkpoints on a
 * timer, so the fsyncs happen on this thread while the backend's thread keeps answering.
 */
import { type FromWorker, RESTART_WANTED, type ToWorker } from "./checkpoint-protocol.ts";
import { SqliteConnection } from "./connection.ts";

declare const self: Worker;

interface Watched {
  connection: SqliteConnection;
  restartFrames: number;
  /** Frames in the WAL when it was last checkpointed. */
  logFrames: number;
  flags: Int32Array;
}

const watched = new Map<number, Watched>();
let timer: ReturnType<typeof setInterval> | undefined;
let intervalMs = Number.POSITIVE_INFINITY;

function reply(message: FromWorker): void {
  self.postMessage(message);
}

function tick(): void {
  for (const entry of watched.values()) {
    // Readers in other processes keep the WAL from starting over, so it would grow without end:
    // past the threshold, RESTART holds writers off while it copies what is left and waits
    // (busy_timeout) for those readers, and the next commit rewinds the log. Below it, PASSIVE
    // copies what it can without holding anyone up. (Measured: spacing RESTARTs out let four
    // busy processes grow the WAL past 64 MB.)
    const restart = entry.logFrames >= entry.restartFrames;
    if (restart) {
      // Copied now, with writers still going, those frames are not copied while they wait: the
      // RESTART is left the few committed since (measured, one client posting scans: its wait
      // 4.5 ms → 2–4 ms, 1-client p99 5.2 → 3.1–3.9 ms).
      try {
        entry.connection.checkpoint("PASSIVE");
      } catch {
        // The RESTART below copies them instead.
      }
      Atomics.store(entry.flags, RESTART_WANTED, 1);
    }
    try {
      const result = entry.connection.checkpoint(restart ? "RESTART" : "PASSIVE");
      entry.logFrames = restart && !result.busy ? 0 : result.logFrames;
    } catch {
      // Locked by another process's checkpoint: the next tick tries again.
    } finally {
      if (restart) {
        Atomics.store(entry.flags, RESTART_WANTED, 0);
        // Wakes the backend's writers at once rather than at their next poll.
        Atomics.notify(entry.flags, RESTART_WANTED);
      }
    }
  }
}

function schedule(ms: number): void {
  if (timer !== undefined && ms >= intervalMs) return;
  if (timer !== undefined) clearInterval(timer);
  intervalMs = ms;
  timer = setInterval(tick, ms);
}

self.onmessage = async (event: MessageEvent<ToWorker>) => {
  const message = event.data;
  if (message.type === "watch") {
    try {
      const connection = await SqliteConnection.open(message.path, {
        busyTimeoutMs: message.busyTimeoutMs,
        synchronous: message.synchronous,
        statementCacheSize: 4,
        journalSizeLimitBytes: message.journalSizeLimitBytes,
      });
      connection.setAutoCheckpoint(0);
      watched.set(message.id, {
        connection,
        restartFrames: message.restartFrames,
        logFrames: 0,
        flags: new Int32Array(message.flags),
      });
      schedule(message.intervalMs);
      reply({ type: "watching", id: message.id });
    } catch (error) {
      reply({
        type: "failed",
        id: message.id,
        message: error instanceof Error ? error.message : String(error),
      });
    }
    return;
  }
  const entry = watched.get(message.id);
  watched.delete(message.id);
  try {
    entry?.connection.close();
  } catch {
    // Already gone with its file (a test's directory removed): nothing is left to release, and
    // an error thrown here would end the thread every other backend relies on.
  } finally {
    if (watched.size === 0 && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
      intervalMs = Number.POSITIVE_INFINITY;
    }
    reply({ type: "unwatched", id: message.id });
  }
};
