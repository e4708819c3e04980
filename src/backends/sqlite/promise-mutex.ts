/**
 * Runs tasks one at a time, in the order they were queued. The SQLite driver has one connection per
 * backend and an async transaction spans many turns of the event loop: every caller's work goes
 * through this so nothing slips into another caller's open transaction.
 */
export class PromiseMutex {
  #tail: Promise<unknown> = Promise.resolve();
  #queued = 0;

  run<T>(task: () => T | Promise<T>): Promise<T> {
    this.#queued++;
    const result = this.#tail.then(task);
    // The next task waits for this one to settle, whether it resolved or threw.
    this.#tail = result.then(
      () => this.#queued--,
      () => this.#queued--,
    );
    return result;
  }

  /** No task is running or waiting. */
  get idle(): boolean {
    return this.#queued === 0;
  }
}
