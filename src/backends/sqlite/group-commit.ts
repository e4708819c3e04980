import { StorageError } from "../../errors/index.ts";
import { CommitSignals } from "../change-signals.ts";
import type { DatabaseBackend, PoolStats } from "../database-backend.ts";
import { QUERY_FAILED } from "../driver-errors.ts";
import type { SqliteConnection } from "./connection.ts";
import type { PromiseMutex } from "./promise-mutex.ts";
import { SqliteSession } from "./session.ts";

/** A caller's transaction inside the shared one: depth 1, so its own nesting uses savepoints. */
class MemberSession extends SqliteSession {
  /** Change signals of this caller, announced once the shared COMMIT has succeeded. */
  readonly signals: CommitSignals;

  constructor(connection: SqliteConnection, stats: () => PoolStats, signals = new CommitSignals()) {
    super(connection, 1, stats, signals);
    this.signals = signals;
  }

  end(reason: string): void {
    this.markUnusable(reason);
  }
}

type Work =
  /** One statement: SQLite undoes a failed statement by itself and the transaction goes on. */
  | { kind: "statement"; run: () => unknown }
  /** Several statements that stand or fall together (executeMany). */
  | { kind: "atomic"; run: () => unknown }
  | { kind: "transaction"; fn: (tx: DatabaseBackend) => Promise<unknown> };

interface Member {
  work: Work;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

interface Done {
  member: Member;
  value: unknown;
  signals?: CommitSignals | undefined;
}

type Outcome = { ok: true; value: unknown; signals?: CommitSignals } | { ok: false; error: unknown };

export interface GroupCommitOptions {
  /** Awaited before BEGIN when it returns a promise (the checkpoint worker wants the lock). */
  beforeBegin?: () => Promise<void> | null;
  /** Most callers one transaction takes before it commits. */
  maxMembers: number;
  /** Longest a transaction stays open for more callers (ms); it holds the write lock meanwhile. */
  maxOpenMs: number;
}

const MEMBER_SAVEPOINT = "malwar_member";
const SAVEPOINT = `SAVEPOINT ${MEMBER_SAVEPOINT}`;
const RELEASE = `RELEASE ${MEMBER_SAVEPOINT}`;
const NO_VALUES: [] = [];

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Group commit for the one connection. With synchronous=NORMAL a commit costs no fsync but
 * writes every page it dirtied to the WAL again: twenty callers each inserting a scan rewrite the
 * same index leaves twenty times. So writers that arrive while one is being served share its
 * BEGIN IMMEDIATE … COMMIT: each in a SAVEPOINT of its own, so a failing caller rolls back only its
 * own work, and each answered only once the shared COMMIT has succeeded (a failed COMMIT fails
 * them all: none of them was stored). The transaction stays open one turn of the event loop
 * after the last caller, for requests that are on their way, and holds the mutex throughout, so
 * readers see only committed data and never a half-done transaction.
 */
export class GroupCommit {
  readonly #connection: SqliteConnection;
  readonly #mutex: PromiseMutex;
  readonly #assertUsable: () => void;
  readonly #stats: () => PoolStats;
  readonly #options: GroupCommitOptions;
  #pending: Member[] = [];
  #head = 0;
  /** A drain is queued on or holding the mutex and will still take what is pending. */
  #scheduled = false;
  #refused: Error | undefined;

  constructor(
    connection: SqliteConnection,
    mutex: PromiseMutex,
    assertUsable: () => void,
    stats: () => PoolStats,
    options: GroupCommitOptions,
  ) {
    this.#connection = connection;
    this.#mutex = mutex;
    this.#assertUsable = assertUsable;
    this.#stats = stats;
    this.#options = options;
  }

  statement<T>(run: () => T): Promise<T> {
    return this.#submit({ kind: "statement", run });
  }

  atomic<T>(run: () => T): Promise<T> {
    return this.#submit({ kind: "atomic", run });
  }

  transaction<T>(fn: (tx: DatabaseBackend) => Promise<T>): Promise<T> {
    return this.#submit({ kind: "transaction", fn });
  }

  /** Refuses callers from now on (the backend is closing); those already queued still run. */
  refuse(error: Error): void {
    this.#refused = error;
  }

  #submit<T>(work: Work): Promise<T> {
    const refused = this.#refused;
    if (refused !== undefined) {
      // In turn, like every other call made after close(): refused once the close has run.
      return this.#mutex.run(() => {
        throw refused;
      });
    }
    return new Promise<T>((resolve, reject) => {
      this.#pending.push({ work, resolve: resolve as (value: unknown) => void, reject });
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    // When the mutex is free the drain starts right here, so a lone writer runs at once.
    void this.#mutex.run(() => this.#drain());
  }

  #take(): Member | undefined {
    if (this.#head === this.#pending.length) return undefined;
    const member = this.#pending[this.#head] as Member;
    this.#pending[this.#head++] = undefined as unknown as Member;
    if (this.#head === this.#pending.length) {
      this.#pending = [];
      this.#head = 0;
    }
    return member;
  }

  get #waiting(): number {
    return this.#pending.length - this.#head;
  }

  /** Writers queued for the next shared transaction. */
  get waiting(): number {
    return this.#waiting;
  }

  async #drain(): Promise<void> {
    const hold = this.#options.beforeBegin?.();
    if (hold !== undefined && hold !== null) await hold;
    // Each pass is one transaction; a pass whose first caller failed ends in its ROLLBACK, and
    // the callers still waiting get the next one.
    while (this.#waiting > 0) {
      try {
        this.#assertUsable();
        this.#connection.run("BEGIN IMMEDIATE", NO_VALUES);
      } catch (error) {
        this.#scheduled = false;
        for (let m = this.#take(); m !== undefined; m = this.#take()) m.reject(error);
        return;
      }
      if (await this.#transaction()) break;
    }
    // Set in the same synchronous stretch as the last COMMIT: a writer arriving from now on
    // schedules a new drain, queued behind whatever waits on the mutex (readers are not starved).
    this.#scheduled = false;
    if (this.#waiting > 0) this.#schedule();
  }

  /** Runs callers in the open transaction and ends it; false when its first caller failed. */
  async #transaction(): Promise<boolean> {
    const opened = performance.now();
    const done: Done[] = [];
    let broken: unknown;
    fill: for (;;) {
      for (
        let m = this.#take();
        m !== undefined;
        m = done.length < this.#options.maxMembers ? this.#take() : undefined
      ) {
        if (done.length === 0) {
          // The first caller needs no savepoint: the transaction holds nothing else to keep.
          const outcome = await this.#runFirst(m);
          if (!outcome.ok) {
            m.reject(outcome.error);
            this.#rollback();
            return false;
          }
          done.push({ member: m, value: outcome.value, signals: outcome.signals });
        } else {
          const outcome = await this.#run(m);
          if (outcome.ok) done.push({ member: m, value: outcome.value, signals: outcome.signals });
          else m.reject(outcome.error);
          if (!outcome.ok && broken === undefined && !this.#connection.inTransaction) broken = outcome.error;
        }
        if (!this.#connection.inTransaction) {
          // SQLite rolled the whole transaction back (disk full, I/O error, or the caller's own
          // COMMIT): every caller in it lost its work, and none was answered yet.
          broken ??= new StorageError("SQLite ended the shared transaction early; nothing in it was stored", {
            code: QUERY_FAILED,
          });
          break fill;
        }
      }
      if (done.length >= this.#options.maxMembers || performance.now() - opened >= this.#options.maxOpenMs)
        break;
      await nextTurn();
      if (this.#waiting === 0) break;
    }
    if (broken === undefined) {
      try {
        this.#connection.run("COMMIT", NO_VALUES);
      } catch (error) {
        broken = error;
        this.#rollback();
      }
    }
    if (broken === undefined) {
      for (const d of done) d.signals?.announce();
      for (const d of done) d.member.resolve(d.value);
    } else for (const d of done) d.member.reject(broken);
    return true;
  }

  /** The transaction's first caller: its failure is rolled back with the transaction itself. */
  async #runFirst(member: Member): Promise<Outcome> {
    const work = member.work;
    if (work.kind !== "transaction") {
      try {
        return { ok: true, value: work.run() };
      } catch (error) {
        return { ok: false, error };
      }
    }
    const tx = new MemberSession(this.#connection, this.#stats);
    try {
      const value = await work.fn(tx);
      tx.end("This transaction has already committed");
      return { ok: true, value, signals: tx.signals };
    } catch (error) {
      tx.end("This transaction has already rolled back");
      return { ok: false, error };
    }
  }

  async #run(member: Member): Promise<Outcome> {
    const work = member.work;
    try {
      if (work.kind === "statement") return { ok: true, value: work.run() };
    } catch (error) {
      return { ok: false, error };
    }
    try {
      this.#connection.run(SAVEPOINT, NO_VALUES);
    } catch (error) {
      return { ok: false, error };
    }
    let value: unknown;
    let signals: CommitSignals | undefined;
    if (work.kind === "atomic") {
      try {
        value = work.run();
      } catch (error) {
        this.#rollbackMember();
        return { ok: false, error };
      }
    } else {
      const tx = new MemberSession(this.#connection, this.#stats);
      try {
        value = await work.fn(tx);
      } catch (error) {
        tx.end("This transaction has already rolled back");
        this.#rollbackMember();
        return { ok: false, error };
      }
      tx.end("This transaction has already committed");
      signals = tx.signals;
    }
    try {
      this.#connection.run(RELEASE, NO_VALUES);
    } catch (error) {
      this.#rollbackMember();
      return { ok: false, error };
    }
    return signals === undefined ? { ok: true, value } : { ok: true, value, signals };
  }

  #rollbackMember(): void {
    if (!this.#connection.inTransaction) return;
    try {
      this.#connection.exec(`ROLLBACK TO ${MEMBER_SAVEPOINT}; RELEASE ${MEMBER_SAVEPOINT}`);
    } catch {
      // The caller's own error is the one worth reporting.
    }
  }

  #rollback(): void {
    if (!this.#connection.inTransaction) return;
    try {
      this.#connection.exec("ROLLBACK");
    } catch {
      // The COMMIT's error is the one worth reporting.
    }
  }
}
