/*
 * Change signals within this process. A NOTIFY reaches this process's own listener a moment after
 * the commit, on another socket; a change made here is announced here as well, right after it
 * commits, so that a request this process serves next can never see an answer kept from before.
 * Process-wide on purpose: an announcement meant for another database in the same process only
 * makes a listener read again.
 */
const listeners = new Map<string, Set<() => void>>();

/** Calls `fn` whenever a change on `channel` is announced in this process; returns the way to stop. */
export function onLocalChange(channel: string, fn: () => void): () => void {
  let set = listeners.get(channel);
  if (set === undefined) {
    set = new Set();
    listeners.set(channel, set);
  }
  set.add(fn);
  return () => {
    set.delete(fn);
    if (set.size === 0 && listeners.get(channel) === set) listeners.delete(channel);
  };
}

export function announceLocalChange(channel: string): void {
  const set = listeners.get(channel);
  if (set === undefined) return;
  for (const fn of set) fn();
}

/**
 * The channels a transaction signalled, announced in this process once its outermost
 * transaction commits. Savepoints share their transaction's set: a signal of a savepoint rolled
 * back is announced all the same, which costs a listener one extra read, never a missed change.
 */
export class CommitSignals {
  readonly #channels = new Set<string>();

  add(channel: string): void {
    this.#channels.add(channel);
  }

  announce(): void {
    for (const channel of this.#channels) announceLocalChange(channel);
  }
}
