import { StorageError } from "../../errors/index.ts";
import type { DriverQueryOptions, DriverReserved, DriverResult, DriverTransaction } from "./driver-types.ts";
import { isConnectionFailure } from "./errors.ts";
import { sendQuery } from "./send-query.ts";

/*
 * A transaction written out by hand (BEGIN … COMMIT) on a connection reserved from the driver's
 * pool, used behind a transaction-mode pooler instead of the driver's `begin`:
 *  - the COMMIT's command tag is read. PostgreSQL answers COMMIT in an aborted transaction with
 *    the tag ROLLBACK and no error; behind a transaction-mode pooler with prepared statements on,
 *    postgres.js re-sent a failed prepared COMMIT into exactly that state and reported success
 *    (737 of 1,132 "committed" transactions were lost, DRIVER-NOTES.md). Here that is an error.
 *  - it works with `max_pipeline: 0`, which pooled mode needs (the driver's `begin` refuses it);
 *  - BEGIN can carry `SET LOCAL statement_timeout` where no startup parameter may set it.
 * BEGIN/COMMIT/ROLLBACK go unprepared (simple protocol): a statement the server may not know must
 * never decide whether a transaction commits.
 */

const SIMPLE: DriverQueryOptions = Object.freeze({ simple: true });

export interface ReservedTransactionOptions {
  /** Sent as `SET LOCAL statement_timeout` with BEGIN (ms); null when the session already has it. */
  localStatementTimeoutMs: number | null;
}

/** Runs `work` between BEGIN and COMMIT on `conn`; rolls back when it throws. Releases `conn`. */
export async function runReservedTransaction<T>(
  conn: DriverReserved,
  work: (tx: DriverTransaction) => Promise<T>,
  options: ReservedTransactionOptions,
): Promise<T> {
  const tx = new ReservedTransaction(conn);
  try {
    const timeout = options.localStatementTimeoutMs;
    await tx.unsafe(
      timeout === null ? "BEGIN" : `BEGIN; SET LOCAL statement_timeout = ${Math.trunc(timeout)}`,
      [],
      SIMPLE,
    );
  } catch (error) {
    tx.end();
    throw error;
  }
  let result: T;
  try {
    result = await work(tx);
  } catch (error) {
    await tx.rollback();
    tx.end();
    throw error;
  }
  try {
    await tx.commit();
  } finally {
    tx.end();
  }
  return result;
}

class ReservedTransaction implements DriverTransaction {
  readonly #conn: DriverReserved;
  /** Rejects what is still waiting once the connection is known dead (the driver forgets it). */
  readonly #waiting = new Set<(error: unknown) => void>();
  #dead: unknown;
  /** The last statement failure not undone by a savepoint: what a refused COMMIT reports. */
  #failure: unknown;
  #savepoints = 0;
  #ended = false;

  constructor(conn: DriverReserved) {
    this.#conn = conn;
  }

  unsafe(text: string, params: unknown[] = [], options?: DriverQueryOptions): Promise<DriverResult> {
    if (this.#dead !== undefined) return Promise.reject(this.#dead);
    let pending: PromiseLike<DriverResult>;
    try {
      pending = sendQuery(this.#conn, text, params, options);
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise<DriverResult>((resolve, reject) => {
      this.#waiting.add(reject);
      pending.then(
        (value) => {
          this.#waiting.delete(reject);
          resolve(value);
        },
        (error: unknown) => {
          this.#waiting.delete(reject);
          this.#failed(error);
          reject(error);
        },
      );
    });
  }

  async savepoint<T>(work: (tx: DriverTransaction) => Promise<T>): Promise<T> {
    const name = `malwar_sp${this.#savepoints++}`;
    await this.unsafe(`SAVEPOINT ${name}`, [], SIMPLE);
    const before = this.#failure;
    let result: T;
    try {
      result = await work(this);
    } catch (error) {
      if (this.#dead === undefined) {
        await this.unsafe(`ROLLBACK TO SAVEPOINT ${name}`, [], SIMPLE);
        this.#failure = before;
      }
      throw error;
    }
    await this.unsafe(`RELEASE SAVEPOINT ${name}`, [], SIMPLE);
    return result;
  }

  async commit(): Promise<void> {
    const result = await this.unsafe("COMMIT", [], SIMPLE);
    const tag = commandOf(result);
    if (tag === "COMMIT") return;
    // The server rolled the transaction back: nothing of it is stored.
    if (this.#failure !== undefined) throw this.#failure;
    throw new StorageError(
      `PostgreSQL answered COMMIT with ${tag || "no command tag"}: the transaction was rolled back and nothing of it was stored`,
      { code: "COMMIT_ROLLED_BACK" },
    );
  }

  /** Best effort: a failed ROLLBACK leaves the error of the work to report. */
  async rollback(): Promise<void> {
    if (this.#dead !== undefined) return;
    await this.unsafe("ROLLBACK", [], SIMPLE).catch(() => {});
  }

  /**
   * Hands the connection back. Not when it died: the driver has already moved it to its closed
   * connections, and releasing it would put a socket-less connection among the open ones.
   */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    if (this.#dead === undefined) this.#conn.release();
  }

  #failed(error: unknown): void {
    this.#failure = error;
    if (this.#dead !== undefined || !isConnectionFailure(error)) return;
    this.#dead = error;
    for (const reject of this.#waiting) reject(error);
    this.#waiting.clear();
  }
}

function commandOf(result: DriverResult): string {
  return typeof result.command === "string" ? result.command : "";
}
