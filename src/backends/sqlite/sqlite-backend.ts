import { statSync } from "node:fs";
import { StorageError } from "../../errors/index.ts";
import type { PoolStats, StorageStats } from "../database-backend.ts";
import { SqliteConnection, type SqliteConnectionOptions } from "./connection.ts";
import { SqliteSession } from "./session.ts";

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
}

const DEFAULTS: SqliteConnectionOptions = {
  busyTimeoutMs: 5000,
  synchronous: "NORMAL",
  statementCacheSize: 256,
};

/** The embedded backend: one SQLite connection in WAL mode, used by one caller at a time. */
export class SQLiteBackend extends SqliteSession {
  readonly path: string;
  #closing: Promise<void> | undefined;
  #closed = false;

  private constructor(connection: SqliteConnection, path: string) {
    super(connection, 0);
    this.path = path;
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
    };
    return new SQLiteBackend(await SqliteConnection.open(path, settings), path);
  }

  override poolStats(): PoolStats {
    if (this.#closed) return { open: 0, idle: 0, max: 1, waiting: 0 };
    return { open: 1, idle: this.mutex.idle ? 1 : 0, max: 1, waiting: this.mutex.waiting };
  }

  override storageStats(): StorageStats | null {
    if (this.path === ":memory:" || this.path.startsWith("file::memory:")) return null;
    return { walBytes: fileSize(`${this.path}-wal`), fileBytes: fileSize(this.path) };
  }

  /** Queued work and an open transaction finish first; later calls are refused. */
  override close(): Promise<void> {
    this.#closing ??= this.mutex.run(() => {
      this.markUnusable("The SQLite backend is closed");
      this.#closed = true;
      this.connection.close();
    });
    return this.#closing;
  }
}

/** 0 for a file that is not there: the WAL exists only between the first write and close. */
function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
