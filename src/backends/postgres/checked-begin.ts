import { StorageError } from "../../errors/index.ts";
import type { DriverPool, DriverQueryOptions, DriverResult, DriverTransaction } from "./driver-types.ts";

/*
 * The driver's own transaction (`sql.begin`), used when no pooler sits in between, with the one
 * thing it does not do: look at what COMMIT answered. The driver sends its COMMIT and ignores the
 * tag, and PostgreSQL answers COMMIT in an aborted transaction with ROLLBACK and no error
 * (reserved-transaction.ts has the story). So `work` ends by sending a COMMIT of our own, without
 * waiting for it: the driver's COMMIT follows on the same connection (answered with a warning,
 * "there is no transaction in progress", which goes to the notice log), costing no round trip.
 * Once `begin` is done, our COMMIT's answer has arrived and is checked.
 * The driver's `begin` is kept here because it also handles a connection lost mid-transaction
 * (it rejects instead of waiting); behind a pooler it cannot be used (it refuses max_pipeline 0).
 */

const SIMPLE: DriverQueryOptions = Object.freeze({ simple: true });

export async function runCheckedBegin<T>(
  pool: DriverPool,
  work: (tx: DriverTransaction) => Promise<T>,
  options: { localStatementTimeoutMs: number | null },
): Promise<T> {
  let commit: Promise<DriverResult> | undefined;
  const result = await pool.begin(async (tx) => {
    const timeout = options.localStatementTimeoutMs;
    if (timeout !== null) await tx.unsafe(`SET LOCAL statement_timeout = ${Math.trunc(timeout)}`, [], SIMPLE);
    const value = await work(tx);
    // then() sends the lazy query now; the rejection is read below, after begin settles.
    commit = Promise.resolve(tx.unsafe("COMMIT", [], SIMPLE));
    commit.catch(() => {});
    return value;
  });
  const answer = await (commit as Promise<DriverResult>);
  if (answer.command !== "COMMIT") {
    throw new StorageError(
      `PostgreSQL answered COMMIT with ${answer.command || "no command tag"}: the transaction was rolled back and nothing of it was stored`,
      { code: "COMMIT_ROLLED_BACK" },
    );
  }
  return result;
}
