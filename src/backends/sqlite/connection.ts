// The only file in the project that imports the SQLite driver.
import { Database, type Statement } from "bun:sqlite";
import { StorageError } from "../../errors/index.ts";
import type { Row } from "../database-backend.ts";
import { wrapSqliteError } from "./errors.ts";
import { fromSqliteRow, type SqliteValue } from "./values.ts";

export interface SqliteConnectionOptions {
  busyTimeoutMs: number;
  synchronous: "NORMAL" | "FULL";
  statementCacheSize: number;
  /**
   * Bytes the -wal file is cut back to when it is reset (PRAGMA journal_size_limit); without it
   * a WAL that once grew large stays that size on disk. Default: no limit (SQLite's default).
   */
  journalSizeLimitBytes?: number;
}

/** What `PRAGMA wal_checkpoint` reports: whether it was blocked, frames in the log, frames copied. */
export interface CheckpointResult {
  busy: boolean;
  logFrames: number;
  checkpointedFrames: number;
}

type AnyStatement = Statement<Row, SqliteValue[]>;

interface CachedStatement {
  readonly statement: AnyStatement;
  /** Run since the eviction sweep last passed it (the "clock" bit). */
  used: boolean;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * One SQLite driver connection with its pragmas and a bounded statement cache. Synchronous and
 * unaware of transactions: ordering and atomicity belong to the session above it.
 */
export class SqliteConnection {
  readonly #db: Database;
  readonly #cacheSize: number;
  /*
   * Bounded with the "clock" (second chance) policy: a hit only sets a flag, where LRU would
   * reorder the map on every statement; the sweep that makes room gives flagged entries one more
   * round at the back of the map's order and finalizes the first unflagged one.
   */
  readonly #statements = new Map<string, CachedStatement>();
  #closed = false;

  private constructor(db: Database, cacheSize: number) {
    this.#db = db;
    this.#cacheSize = Math.max(1, cacheSize);
  }

  static async open(path: string, options: SqliteConnectionOptions): Promise<SqliteConnection> {
    let db: Database;
    try {
      db = new Database(path, { create: true, readwrite: true, strict: true, safeIntegers: true });
    } catch (error) {
      throw wrapSqliteError(error, `Cannot open SQLite database ${JSON.stringify(path)}`);
    }
    try {
      db.run(`PRAGMA busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs))}`);
      await enableWal(db, options.busyTimeoutMs);
      db.run("PRAGMA foreign_keys = ON");
      // NORMAL (the default we pass) is safe in WAL: a power loss may drop the last commits but
      // never corrupts the file, and a crash of this process loses nothing. FULL fsyncs every
      // commit, which caps single-row writes at a quarter of the rate (DRIVER-NOTES.md).
      db.run(`PRAGMA synchronous = ${options.synchronous}`);
      if (options.journalSizeLimitBytes !== undefined) {
        db.run(`PRAGMA journal_size_limit = ${Math.max(-1, Math.trunc(options.journalSizeLimitBytes))}`);
      }
    } catch (error) {
      db.close(false);
      throw wrapSqliteError(error, `Cannot set up SQLite database ${JSON.stringify(path)}`);
    }
    return new SqliteConnection(db, options.statementCacheSize);
  }

  get inTransaction(): boolean {
    return this.#db.inTransaction;
  }

  /** Runs one statement and returns how many rows it changed. */
  run(text: string, values: readonly SqliteValue[]): number {
    try {
      return Number(this.#statement(text).run(...values).changes);
    } catch (error) {
      throw wrapSqliteError(error);
    }
  }

  /** One prepared statement for every row; returns the total of rows changed. */
  runMany(text: string, rows: readonly (readonly SqliteValue[])[]): number {
    try {
      const statement = this.#statement(text);
      let changes = 0;
      for (const values of rows) changes += Number(statement.run(...values).changes);
      return changes;
    } catch (error) {
      throw wrapSqliteError(error);
    }
  }

  all(text: string, values: readonly SqliteValue[]): Row[] {
    try {
      const rows = this.#statement(text).all(...values);
      for (const row of rows) fromSqliteRow(row);
      return rows;
    } catch (error) {
      throw wrapSqliteError(error);
    }
  }

  get(text: string, values: readonly SqliteValue[]): Row | null {
    try {
      const row = this.#statement(text).get(...values);
      return row === null || row === undefined ? null : fromSqliteRow(row);
    } catch (error) {
      throw wrapSqliteError(error);
    }
  }

  /** Several statements, no parameters (migration files, transaction control). */
  exec(script: string): void {
    try {
      this.#db.run(script);
    } catch (error) {
      throw wrapSqliteError(error);
    }
  }

  /**
   * Pages this connection's own commits copy back into the database file once the WAL holds that
   * many (0: never; another connection checkpoints). SQLite's default is 1000.
   */
  setAutoCheckpoint(pages: number): void {
    this.exec(`PRAGMA wal_autocheckpoint = ${Math.max(0, Math.trunc(pages))}`);
  }

  /** Copies committed WAL frames into the database file; RESTART/TRUNCATE also let the WAL start over. */
  checkpoint(mode: "PASSIVE" | "RESTART" | "TRUNCATE"): CheckpointResult {
    const row = this.get(`PRAGMA wal_checkpoint(${mode})`, []);
    return {
      busy: Number(row?.busy ?? 0) !== 0,
      logFrames: Number(row?.log ?? 0),
      checkpointedFrames: Number(row?.checkpointed ?? 0),
    };
  }

  /**
   * Commits a write that changes nothing (user_version set to itself), so that a read-only file
   * or directory, a full disk or a failing device shows up now rather than at a caller's write.
   * `busyTimeoutMs` replaces busy_timeout for the probe only: a probe need not wait its turn
   * behind other processes' writers for long, and SQLITE_BUSY says nothing about the storage.
   */
  probeWrite(busyTimeoutMs: number): void {
    const db = this.#db;
    const previous = Number(this.get("PRAGMA busy_timeout", [])?.timeout ?? 0);
    try {
      db.run(`PRAGMA busy_timeout = ${Math.max(0, Math.trunc(busyTimeoutMs))}`);
      const version = Number(this.get("PRAGMA user_version", [])?.user_version ?? 0);
      db.run("BEGIN IMMEDIATE");
      try {
        db.run(`PRAGMA user_version = ${Math.trunc(version)}`);
        db.run("COMMIT");
      } catch (error) {
        if (db.inTransaction) db.run("ROLLBACK");
        throw error;
      }
    } catch (error) {
      throw wrapSqliteError(error);
    } finally {
      try {
        db.run(`PRAGMA busy_timeout = ${previous}`);
      } catch {
        // The probe's own outcome is what matters.
      }
    }
  }

  /** Finalizing every statement first is what lets SQLite remove the -wal and -shm files. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const cached of this.#statements.values()) cached.statement.finalize();
    this.#statements.clear();
    try {
      this.#db.close(false);
    } catch (error) {
      throw wrapSqliteError(error, "Closing the SQLite database failed");
    }
  }

  #statement(text: string): AnyStatement {
    if (this.#closed) throw new StorageError("The SQLite database is closed", { code: "BACKEND_CLOSED" });
    const cached = this.#statements.get(text);
    if (cached !== undefined) {
      cached.used = true;
      return cached.statement;
    }
    const statement = this.#db.prepare<Row, SqliteValue[]>(text);
    if (this.#statements.size >= this.#cacheSize) this.#evictOne();
    this.#statements.set(text, { statement, used: false });
    return statement;
  }

  #evictOne(): void {
    // Ends within one lap: every flagged entry it passes loses its flag.
    for (;;) {
      const [text, entry] = this.#statements.entries().next().value as [string, CachedStatement];
      this.#statements.delete(text);
      if (!entry.used) {
        entry.statement.finalize();
        return;
      }
      entry.used = false;
      this.#statements.set(text, entry);
    }
  }
}

/*
 * On a file not yet in WAL mode SQLite answers SQLITE_BUSY at once (without the busy handler)
 * while another connection writes, which happens when several processes open a fresh file
 * together. Retry with a little jitter for as long as busy_timeout would have waited.
 */
async function enableWal(db: Database, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + Math.max(timeoutMs, 100);
  for (let attempt = 0; ; attempt++) {
    try {
      const statement = db.prepare<{ journal_mode: string }, []>("PRAGMA journal_mode = WAL");
      let mode: string | undefined;
      try {
        mode = statement.get()?.journal_mode;
      } finally {
        statement.finalize();
      }
      // An in-memory database has no journal file to put in WAL mode; it reports "memory".
      if (mode === "wal" || mode === "memory") return;
      throw new StorageError(`SQLite refused WAL mode (journal_mode is ${JSON.stringify(mode)})`, {
        code: "WAL_UNAVAILABLE",
      });
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      const busy =
        typeof code === "string" && (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED"));
      if (!busy || Date.now() >= deadline) throw error;
      await sleep(Math.min(5 + attempt * 5, 50) + Math.random() * 10);
    }
  }
}
