interface Waiting {
  task: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Runs tasks one at a time, in the order they were queued. The SQLite driver has one connection per
 * backend and an async transaction spans many turns of the event loop: every caller's work goes
 * through this so nothing slips into another caller's open transaction.
 *
 * When nothing is running, a task starts at once, inside `run`: every statement is a synchronous
 * driver call, so the common case costs one settled promise instead of a chain of them. The mutex
 * counts as held from before the task starts, so whatever the task itself queues (a statement on
 * the outer backend inside a transaction's function) waits for it, as it always did.
 */
export class PromiseMutex {
  #busy = false;
  // A queue with a moving head: shift() on a long queue would copy it each time.
  #waiting: (Waiting | undefined)[] = [];
  #head = 0;

  run<T>(task: () => T | Promise<T>): Promise<T> {
    if (this.#busy) {
      return new Promise<T>((resolve, reject) => {
        this.#waiting.push({ task, resolve: resolve as (value: unknown) => void, reject });
      });
    }
    this.#busy = true;
    let result: T | Promise<T>;
    try {
      result = task();
    } catch (error) {
      this.#release();
      return Promise.reject(error);
    }
    if (!isThenable(result)) {
      this.#release();
      return Promise.resolve(result);
    }
    return new Promise<T>((resolve, reject) => this.#settle(result, resolve, reject));
  }

  /** No task is running or waiting. */
  get idle(): boolean {
    return !this.#busy;
  }

  /** Tasks queued behind the running one. */
  get waiting(): number {
    return this.#waiting.length - this.#head;
  }

  /** Holds the mutex until an async task settles, then passes it on. */
  #settle<T>(pending: PromiseLike<T>, resolve: (value: T) => void, reject: (error: unknown) => void): void {
    pending.then(
      (value) => {
        this.#release();
        resolve(value);
      },
      (error: unknown) => {
        this.#release();
        reject(error);
      },
    );
  }

  #release(): void {
    if (this.#head === this.#waiting.length) {
      this.#busy = false;
      return;
    }
    const next = this.#waiting[this.#head] as Waiting;
    this.#waiting[this.#head++] = undefined;
    if (this.#head === this.#waiting.length) {
      this.#waiting.length = 0;
      this.#head = 0;
    }
    // Still busy: the next task owns the mutex from now on, and starts on a fresh microtask so a
    // long queue of synchronous tasks does not run as one deep recursion.
    queueMicrotask(() => this.#start(next));
  }

  #start(next: Waiting): void {
    let result: unknown;
    try {
      result = next.task();
    } catch (error) {
      this.#release();
      next.reject(error);
      return;
    }
    if (isThenable(result)) {
      this.#settle(result, next.resolve, next.reject);
      return;
    }
    this.#release();
    next.resolve(result);
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value instanceof Promise ||
    (value !== null &&
      (typeof value === "object" || typeof value === "function") &&
      typeof (value as { then?: unknown }).then === "function")
  );
}
