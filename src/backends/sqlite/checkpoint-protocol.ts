/** Messages between a backend's thread and the checkpoint worker (checkpoint-worker.ts). */

export interface CheckpointSettings {
  /** How often each watched file gets a PASSIVE checkpoint (ms). */
  intervalMs: number;
  /**
   * Once the WAL holds this many frames, a RESTART checkpoint waits (up to `busyTimeoutMs`) for
   * the readers of other processes to let go, so the next commit starts the WAL over.
   */
  restartFrames: number;
  /** The worker's connection waits this long for a lock; kept short so writers are not held up. */
  busyTimeoutMs: number;
  synchronous: "NORMAL" | "FULL";
  journalSizeLimitBytes: number;
}

/**
 * Index of the Int32 the worker sets to 1 while it wants SQLite's write lock for a RESTART, so
 * the backend's thread holds off opening its next write transaction instead of racing it.
 */
export const RESTART_WANTED = 0;

export type ToWorker =
  | ({ type: "watch"; id: number; path: string; flags: SharedArrayBuffer } & CheckpointSettings)
  | { type: "unwatch"; id: number };

export type FromWorker =
  | { type: "watching"; id: number }
  | { type: "failed"; id: number; message: string }
  | { type: "unwatched"; id: number };
