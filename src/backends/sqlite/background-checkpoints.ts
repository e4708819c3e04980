import {
  type CheckpointSettings,
  type FromWorker,
  RESTART_WANTED,
  type ToWorker,
} from "./checkpoint-protocol.ts";

/** A file whose WAL the worker is checkpointing; `stop` closes the worker's connection to it. */
export interface BackgroundCheckpoints {
  /**
   * Null when the worker does not want the write lock; else resolves once its RESTART is over
   * (or after `maxWaitMs`), for the backend to await before its next BEGIN IMMEDIATE.
   */
  restartInProgress(maxWaitMs: number): Promise<void> | null;
  stop(): Promise<void>;
}

interface Waiter {
  resolve: () => void;
  reject: (error: Error) => void;
}

/*
 * One worker thread for every backend of the process, started with the first file and ended with
 * the last (a worker costs a JS runtime, and a test run opens hundreds of backends). `onLost` is
 * told when the thread dies, so its backend can go back to checkpointing inline.
 */
let worker: Worker | null = null;
let nextId = 1;
const waiters = new Map<number, Waiter>();
const active = new Map<number, () => void>();

function spawn(): Worker {
  const thread = new Worker(new URL("./checkpoint-worker.ts", import.meta.url).href);
  thread.unref();
  thread.onmessage = (event: MessageEvent<FromWorker>) => {
    const message = event.data;
    const waiter = waiters.get(message.id);
    waiters.delete(message.id);
    if (message.type === "failed") waiter?.reject(new Error(message.message));
    else waiter?.resolve();
  };
  const lost = (reason: string) => {
    if (worker !== thread) return;
    worker = null;
    // A thread that failed may still hold connections (and their locks); end it for good.
    thread.terminate();
    for (const waiter of waiters.values()) waiter.reject(new Error(reason));
    waiters.clear();
    const callbacks = [...active.values()];
    active.clear();
    for (const onLost of callbacks) onLost();
  };
  thread.addEventListener("error", (event) => lost(`checkpoint worker failed: ${event.message}`));
  thread.addEventListener("close", () => lost("checkpoint worker exited"));
  return thread;
}

function send(message: ToWorker): Promise<void> {
  const thread = worker;
  if (thread === null) return Promise.reject(new Error("checkpoint worker is not running"));
  // An unref'd worker does not keep the process alive, and nor would a reply still due from it:
  // a close awaiting "unwatched" with nothing else left to do would see the process end first
  // (and leave the -wal file behind). So the thread is ref'd while any answer is due.
  thread.ref();
  return new Promise<void>((resolve, reject) => {
    waiters.set(message.id, {
      resolve: () => {
        if (waiters.size === 0 && worker === thread) thread.unref();
        resolve();
      },
      reject: (error) => {
        if (waiters.size === 0 && worker === thread) thread.unref();
        reject(error);
      },
    });
    thread.postMessage(message);
  });
}

/** Starts checkpointing `path` (an absolute file path, already in WAL mode) on the worker thread. */
export async function checkpointInBackground(
  path: string,
  settings: CheckpointSettings,
  onLost: () => void,
): Promise<BackgroundCheckpoints> {
  worker ??= spawn();
  const id = nextId++;
  const shared = new SharedArrayBuffer(4);
  const flags = new Int32Array(shared);
  try {
    await send({ type: "watch", id, path, flags: shared, ...settings });
  } catch (error) {
    retireIfIdle();
    throw error;
  }
  active.set(id, onLost);
  let stopping: Promise<void> | undefined;
  return {
    restartInProgress(maxWaitMs) {
      if (Atomics.load(flags, RESTART_WANTED) === 0) return null;
      // Woken by the worker's notify the moment the RESTART ends: polling with a 1 ms timer
      // added up to a millisecond or two to every writer that waited.
      const waiting = Atomics.waitAsync(flags, RESTART_WANTED, 1, maxWaitMs);
      return waiting.async ? waiting.value.then(() => undefined) : null;
    },
    stop() {
      stopping ??= (async () => {
        if (!active.delete(id)) return;
        try {
          await send({ type: "unwatch", id });
        } finally {
          retireIfIdle();
        }
      })();
      return stopping;
    },
  };
}

function retireIfIdle(): void {
  if (worker === null || active.size > 0 || waiters.size > 0) return;
  const thread = worker;
  worker = null;
  thread.terminate();
}
