import { expect, setDefaultTimeout, test } from "bun:test";
import postgres from "postgres";
import { runCheckedBegin } from "../../src/backends/postgres/checked-begin.ts";
import type {
  DriverPool,
  DriverReserved,
  DriverResult,
  DriverTransaction,
} from "../../src/backends/postgres/driver-types.ts";
import { PostgresDatabase } from "../../src/backends/postgres/index.ts";
import { runReservedTransaction } from "../../src/backends/postgres/reserved-transaction.ts";
import { StorageError } from "../../src/errors/index.ts";
import { describePostgres } from "../support/postgres.ts";

// Per file: Bun applies a preload's default timeout to the first file only (oven-sh/bun#43787).
setDefaultTimeout(60_000);

describePostgres("postgres: a COMMIT answered with ROLLBACK", (getDb) => {
  test("is an error, and nothing of the transaction is stored", async () => {
    const sql = postgres(getDb().url, { max: 2, onnotice: () => {} });
    try {
      await sql.unsafe("create table c (id int primary key)");
      const reserved = await sql.reserve();
      // What postgres.js did behind a transaction-mode pooler: a statement failed on the server,
      // the failure never reached the caller, and the transaction went on to COMMIT.
      const hiding: DriverReserved = {
        unsafe: (text, params, options) =>
          (reserved.unsafe(text, params as never[], options) as unknown as Promise<DriverResult>).catch(
            () => Object.assign([], { count: 0, command: "" }) as unknown as DriverResult,
          ),
        release: () => reserved.release(),
      };
      const error = await runReservedTransaction(
        hiding,
        async (tx) => {
          await tx.unsafe("insert into c values (1)");
          await tx.unsafe("select 1/0");
          return "reported as committed";
        },
        { localStatementTimeoutMs: null },
      ).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StorageError);
      expect((error as StorageError).code).toBe("COMMIT_ROLLED_BACK");
      expect((await sql.unsafe("select count(*)::int as n from c"))[0]?.n).toBe(0);
      // The connection went back to the pool in a usable state.
      expect((await sql.unsafe("select 1 as ok"))[0]?.ok).toBe(1);
    } finally {
      await sql.end({ timeout: 2 });
    }
  });

  test("with the driver's begin too: a commit answered ROLLBACK is an error", async () => {
    const sql = postgres(getDb().url, { max: 2, onnotice: () => {} });
    try {
      await sql.unsafe("create table c2 (id int primary key)");
      // The server's own answer to a commit of an aborted transaction is the tag ROLLBACK; here the
      // transaction's COMMIT is turned into that answer by sending ROLLBACK in its place.
      const pool = {
        begin: <T>(fn: (tx: DriverTransaction) => Promise<T>) =>
          sql.begin((tx) =>
            fn({
              unsafe: (text: string, params?: unknown[], options?: object) =>
                tx.unsafe(text === "COMMIT" ? "ROLLBACK" : text, params as never[], options) as never,
              savepoint: () => Promise.reject(new Error("unused")),
            }),
          ) as Promise<T>,
      } as unknown as DriverPool;
      const error = await runCheckedBegin(
        pool,
        async (tx) => {
          await tx.unsafe("insert into c2 values (1)");
          return "reported as committed";
        },
        { localStatementTimeoutMs: null },
      ).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StorageError);
      expect((error as StorageError).code).toBe("COMMIT_ROLLED_BACK");
      expect((await sql.unsafe("select count(*)::int as n from c2"))[0]?.n).toBe(0);
    } finally {
      await sql.end({ timeout: 2 });
    }
  });

  test("a COMMIT that fails (deferred constraint) rejects the transaction, and nothing is stored", async () => {
    const db = await PostgresDatabase.create(getDb().url, { min: 1, max: 2 });
    try {
      await db.execute(
        "create table d (id int primary key, parent int references d(id) deferrable initially deferred)",
      );
      const error = await db
        .transaction(async (tx) => {
          await tx.execute("insert into d values (1, 999)");
          return "reported as committed";
        })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StorageError);
      expect((error as StorageError).code).toBe("FOREIGN_KEY_VIOLATION");
      expect(await db.fetchOne("select count(*)::int as n from d")).toEqual({ n: 0 });
      // And a good transaction right after commits.
      await db.transaction((tx) => tx.execute("insert into d values (2, null)"));
      expect(await db.fetchOne("select count(*)::int as n from d")).toEqual({ n: 1 });
    } finally {
      await db.close();
    }
  });

  test("directly, the backend sees a plain server and sends statement_timeout as a startup parameter", async () => {
    const db = await PostgresDatabase.create(getDb().url, { min: 1, max: 2, statementTimeout: 1234 });
    try {
      expect(db.route).toEqual({ transactionPooled: false, startupTimeout: true, inRecovery: false });
      expect(await db.fetchOne("show statement_timeout")).toEqual({ statement_timeout: "1234ms" });
    } finally {
      await db.close();
    }
  });
});
