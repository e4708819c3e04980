import { statSync } from "node:fs";
import { resolve } from "node:path";
import { StorageError } from "../../errors/index.ts";
import type { DatabaseBackend, PoolStats, StorageStats } from "../database-backend.ts";
import { DATABASE_BUSY, DriverError } from "../driver-errors.ts";
import { DISK_FULL, isPermanentFault, permanentFaultCause, READ_ONLY } from "../storage-faults.ts";
import { type BackgroundCheckpoints, checkpointInBackground } from "./background-checkpoints.ts";
import { SqliteConnection, type SqliteConnectionOptions } from "./connection.ts";
import { GroupCommit } from "./group-commit.ts";
import { SqliteSession } from "./session.ts";
import { whyUnwritable } from "./unwritable.ts";

export interface SQLiteOpenOptions {
  /** How long a statement waits for another connection's write lock (ms). Default 5000. */
  busyTimeoutMs?: number;
  /**
   * Default "NORMAL": in WAL mode it cannot corrupt the database, only lose the last commits
   * on power loss, and it writes several times faster than "FULL" (one fsync per commit).
   */
  synchronous?: "NORMAL" | "FULL";
  /** Compiled statements kept for reuse (rarely used ones are finalized when it fills). Default 256. */
  statementCacheSize?: number;
  /**
   * "background" (the default for a file): a worker thread with its own connection checkpoints
   * the WAL every 20 ms, so no commit pays for a checkpoint's fsyncs, and forces the WAL to start
   * over once it passes ~8 MB even while other processes keep reading. "inline": SQLite's own
   * automatic checkpoint inside the committing call. In-memory databases have no WAL.
   */
  checkpoints?: "background" | "inline";
  /**
   * Default true: writes from concurrent callers (transactions, executeMany, single INSERT/
   * UPDATE/DELETE/REPLACE statements) share one BEGIN IMMEDIATE … COMMIT, each in its own
   * savepoint, each answered once that COMMIT succeeded. false: one transaction per caller.
   */
  groupCommit?: boolean;
}

/** The WAL is cut back to this when it starts over (PRAGMA journal_size_limit). */
const JOURNAL_SIZE_LIMIT_BYTES = 16 * 1024 * 1024;
/** Frames (pages) in the WAL above which the worker forces it to start over (~8 MB). */
const RESTART_FRAMES = 2048;
/** Longest a writer defers to the worker's RESTART before racing it for the lock. */
const RESTART_WAIT_MS = 250;
/** SQLite's own default threshold for its automatic checkpoint, in pages. */
const AUTO_CHECKPOINT_PAGES = 1000;

const DEFAULTS: SqliteConnectionOptions = {
  busyTimeoutMs: 5000,
  synchronous: "NORMAL",
  statementCacheSize: 256,
  journalSizeLimitBytes: JOURNAL_SIZE_LIMIT_BYTES,
};

/** The embedded backend: one SQLite connection in WAL mode, used by one caller at a time. */
export class SQLiteBackend extends SqliteSession {
  readonly path: string;
  #closing: Promise<void> | undefined;
  #closed = false;
  #checkpoints: BackgroundCheckpoints | null = null;
  readonly #group: GroupCommit | null;

  private constructor(connection: SqliteConnection, path: string, groupCommit: boolean) {
    super(connection, 0);
    this.path = path;
    this.#group = groupCommit
      ? new GroupCommit(
          connection,
          this.mutex,
          () => this.assertUsable(),
          () => this.poolStats(),
          {
            maxMembers: 64,
            maxOpenMs: 5,
            beforeBegin: () => this.#checkpoints?.restartInProgress(RESTART_WAIT_MS) ?? null,
          },
        )
      : null;
  }

  /** Opens (creating if needed) the database file, or a private one for `:memory:`. */
  static async open(path: string, options: SQLiteOpenOptions = {}): Promise<SQLiteBackend> {
    if (typeof path !== "string" || path.length === 0) {
      throw new StorageError("SQLiteBackend.open needs a file path or ':memory:'", { code: "INVALID_PATH" });
    }
    const settings: SqliteConnectionOptions = {
      busyTimeoutMs: options.busyTimeoutMs ?? DEFAULTS.busyTimeoutMs,
      synchronous: options.synchronous ?? DEFAULTS.synchronous,
      statementCacheSize: options.statementCacheSize ?? DEFAULTS.statementCacheSize,
      journalSizeLimitBytes: JOURNAL_SIZE_LIMIT_BYTES,
    };
    let connection: SqliteConnection;
    try {
      connection = await SqliteConnection.open(path, settings);
    } catch (error) {
      throw isPlainFile(path) ? explainFault(path, error) : error;
    }
    if (isPlainFile(path)) {
      try {
        connection.probeWrite(settings.busyTimeoutMs);
      } catch (error) {
        connection.close();
        throw explainFault(path, error);
      }
    }
    const backend = new SQLiteBackend(connection, path, options.groupCommit ?? true);
    if ((options.checkpoints ?? "background") === "background" && isPlainFile(path)) {
      await backend.#checkpointInBackground(settings);
    }
    return backend;
  }

  async #checkpointInBackground(settings: SqliteConnectionOptions): Promise<void> {
    const inline = () => {
      this.#checkpoints = null;
      if (!this.#closed) this.connection.setAutoCheckpoint(AUTO_CHECKPOINT_PAGES);
    };
    try {
      this.#checkpoints = await checkpointInBackground(
        resolve(this.path),
        {
          intervalMs: 20,
          restartFrames: RESTART_FRAMES,
          busyTimeoutMs: 100,
          synchronous: settings.synchronous,
          journalSizeLimitBytes: JOURNAL_SIZE_LIMIT_BYTES,
        },
        inline,
      );
    } catch {
      // No worker thread (or it cannot open the file): SQLite's inline checkpoints still bound
      // the WAL of a single process, as before.
      return;
    }
    this.connection.setAutoCheckpoint(0);
  }

  override transaction<T>(fn: (tx: DatabaseBackend) => Promise<T>): Promise<T> {
    return this.#group === null ? super.transaction(fn) : this.#group.transaction(fn);
  }

  protected override runStatement<T>(text: string, work: () => T): Promise<T> {
    return this.#group !== null && isWrite(text)
      ? this.#group.statement(work)
      : super.runStatement(text, work);
  }

  protected override runAtomically<T>(work: () => T): Promise<T> {
    return this.#group === null ? super.runAtomically(work) : this.#group.atomic(work);
  }

  /**
   * A write that changes nothing, in turn with every other caller: a file or directory that went
   * read-only, a full disk or a failing device makes it fail with that cause. Another process
   * holding the write lock says nothing about the storage, so the probe does not wait for it.
   */
  override checkReady(): Promise<void> {
    if (!isPlainFile(this.path)) return super.checkReady();
    return this.mutex
      .run(() => {
        this.assertUsable();
        this.connection.probeWrite(0);
      })
      .catch((error: unknown) => {
        if (error instanceof StorageError && error.code === DATABASE_BUSY) return;
        throw explainFault(this.path, error);
      });
  }

  override poolStats(): PoolStats {
    if (this.#closed) return { open: 0, idle: 0, max: 1, waiting: 0 };
    const waiting = this.mutex.waiting + (this.#group?.waiting ?? 0);
    return { open: 1, idle: this.mutex.idle ? 1 : 0, max: 1, waiting };
  }

  override storageStats(): StorageStats | null {
    if (this.path === ":memory:" || this.path.startsWith("file::memory:")) return null;
    return { walBytes: fileSize(`${this.path}-wal`), fileBytes: fileSize(this.path) };
  }

  /** Queued work and an open transaction finish first; later calls are refused. */
  override close(): Promise<void> {
    this.#group?.refuse(new StorageError("The SQLite backend is closed", { code: "BACKEND_CLOSED" }));
    this.#closing ??= this.mutex.run(async () => {
      this.markUnusable("The SQLite backend is closed");
      this.#closed = true;
      // The worker's connection goes first: only the last connection to close removes -wal/-shm.
      await this.#checkpoints?.stop().catch(() => {});
      this.connection.close();
    });
    return this.#closing;
  }
}

/** A path SQLite opens as a file of its own (not `:memory:`, not a `file:` URI). */
function isPlainFile(path: string): boolean {
  return path !== ":memory:" && path !== "" && !path.startsWith("file:");
}

/*
 * Statements that only change rows join a group commit; anything else (reads, PRAGMA, DDL,
 * transaction control, WITH …) runs on its own as before, after the group has committed.
 */
const WRITE = /^\s*(?:(?:--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)\s*)*(?:insert|update|delete|replace)\b/i;

function isWrite(text: string): boolean {
  return WRITE.test(text);
}

/**
 * A permanent fault restated with the file's name and, when the filesystem can tell, the real
 * cause ("the filesystem is read-only" where SQLite says "unable to open database file"): the
 * one line `bun run start` prints, and what /ready says. Other errors pass through unchanged.
 */
function explainFault(path: string, error: unknown): unknown {
  if (!isPermanentFault(error)) return error;
  const driverCode = error instanceof DriverError ? error.driverCode : undefined;
  const found = whyUnwritable(path);
  const code = found === null ? error.code : found.readOnly ? READ_ONLY : DISK_FULL;
  const cause = found?.reason ?? permanentFaultCause(error);
  return new DriverError(
    `SQLite database ${JSON.stringify(path)} cannot be written: ${cause}${driverCode ? ` (${driverCode})` : ""}`,
    { code, driverCode, cause: error },
  );
}

/** 0 for a file that is not there: the WAL exists only between the first write and close. */
function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
