import { StorageError } from "../../errors/index.ts";
import type { CommitSignals } from "../change-signals.ts";
import type { DriverQueryOptions, DriverResult, DriverTransaction } from "./driver-types.ts";
import { wrapPostgresError } from "./errors.ts";
import { sendQuery } from "./send-query.ts";
import { PostgresSession, type SessionContext } from "./session.ts";

/** Any constant shared by every malwar process: the key of the migration lock. */
export const MIGRATION_LOCK_KEY = 7_236_828_111_526_769_965n;

/**
 * The `tx` a transaction's function receives: every statement runs on the one connection the
 * driver reserved for the transaction. A nested `transaction()` is a savepoint.
 */
export class PostgresTransaction extends PostgresSession {
  readonly #tx: DriverTransaction;
  #ended = false;

  constructor(tx: DriverTransaction, context: SessionContext, signals: CommitSignals) {
    super(context, signals);
    this.#tx = tx;
  }

  /** Called when the transaction's function settles: the connection goes back to the pool. */
  finish(): void {
    this.#ended = true;
  }

  async lockForMigration(): Promise<void> {
    this.#assertOpen();
    try {
      // A transaction-scoped lock, released by COMMIT/ROLLBACK: no session state is left behind,
      // so it also holds behind PgBouncer in transaction mode.
      await this.#tx.unsafe(`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`, [], {
        prepare: false,
        simple: false,
      });
    } catch (error) {
      throw wrapPostgresError(error, this.context.secrets);
    }
  }

  async close(): Promise<void> {
    throw new StorageError("A transaction cannot be closed; it ends when its function returns or throws", {
      code: "INVALID_OPERATION",
    });
  }

  protected run(text: string, values: unknown[], options: DriverQueryOptions): Promise<DriverResult> {
    this.#assertOpen();
    return sendQuery(this.#tx, text, values, options);
  }

  protected atomically<T>(work: (tx: DriverTransaction) => Promise<T>): Promise<T> {
    this.#assertOpen();
    return this.#tx.savepoint(work);
  }

  protected openTransaction(tx: DriverTransaction, signals: CommitSignals): PostgresTransaction {
    return new PostgresTransaction(tx, this.context, signals);
  }

  #assertOpen(): void {
    // After COMMIT the driver hands this connection to other callers: a late statement through
    // a kept `tx` would run outside any transaction, on someone else's turn.
    if (this.#ended) {
      throw new StorageError("This transaction has ended; use the backend, or a new transaction", {
        code: "TRANSACTION_ENDED",
      });
    }
  }
}
