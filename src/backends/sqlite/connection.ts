// The only file in the project that imports the SQLite driver.
import { constants, Database, type Statement } from "bun:sqlite";
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

/** A statement's reads given all their values as one array, which bun:sqlite binds element by element. */
interface ArrayBound {
  get(values: readonly SqliteValue[]): Row | null;
  all(values: readonly SqliteValue[]): Row[];
}

/*
 * Reads pass their values as one array argument instead of spreading them: a spread of an array
 * that came from the caller copies it into an arguments list on every call (measured on the
 * bench's fetchOne of a scan: ~160 ns, 3% of the call).
 */
const bound = (statement: AnyStatement): ArrayBound => statement as unknown as ArrayBound;

/** A compiled statement and what is known about it, kept in the connection's cache. */
export interface CachedStatement {
  readonly statement: AnyStatement;
  /** sqlite3_stmt_readonly, read once. */
  readonly readonly: boolean;
  /** Whether a row holds a number beyond ±(2^53 - 1) in a column that can hold a number (not TEXT affinity). */
  readonly unsafe: RowCheck;
  /**
   * `?` markers of the text as the shared checks counted them, -1 until a caller recorded it.
   * With it, a later call of the same text can check its parameters without scanning again.
   */
  markers: number;
  /** Run since the eviction sweep last passed it (the "clock" bit). */
  used: boolean;
}

/*
 * Integers: with bigints for every integer (safeIntegers) and fromSqliteRow turning the ones a
 * number holds exactly back into numbers, nothing is ever rounded; but making a bigint for every
 * integer column of every row cost a tenth of a fetchOne, and one for every run()'s
 * lastInsertRowid a fifth of an executeMany. So statements run with plain numbers: run() uses
 * only the change count; a read-only statement (sqlite3_stmt_readonly) is stepped again with
 * bigints in the rare row holding a number beyond ±(2^53 - 1) (SQLite rounded an integer, or it
 * is a huge REAL), which changes nothing; a statement that writes and returns rows (… RETURNING)
 * runs once, with bigints.
 */
type RowCheck = (row: Row) => boolean;

const NEVER_UNSAFE: RowCheck = () => false;
/** Columns above which the check stays a loop rather than a function of its own. */
const MAX_CHECKED_INLINE = 64;

/**
 * A function telling whether a row holds a number beyond ±(2^53 - 1) in one of `numeric`.
 * Each statement gets its own, reading each column by its literal name: a loop over names
 * shared by every statement reads rows of dozens of shapes through one generic property access,
 * which profiles showed at ~50 ns a row against ~10 for per-statement code. Names go in as JSON
 * string literals, so no column name can be anything but a property key.
 */
function unsafeNumberCheck(numeric: readonly string[]): RowCheck {
  if (numeric.length === 0) return NEVER_UNSAFE;
  if (numeric.length > MAX_CHECKED_INLINE) return (row) => hasUnsafeNumber(row, numeric);
  const reads = numeric
    .map(
      (name) =>
        `v = row[${JSON.stringify(name)}]; if (typeof v === "number" && (v > M || v < -M)) return true;`,
    )
    .join("\n");
  return new Function(
    "row",
    `const M = ${Number.MAX_SAFE_INTEGER}; let v;\n${reads}\nreturn false;`,
  ) as RowCheck;
}

function hasUnsafeNumber(row: Row, numeric: readonly string[]): boolean {
  for (let i = 0; i < numeric.length; i++) {
    const v = row[numeric[i] as string];
    if (typeof v === "number" && (v > Number.MAX_SAFE_INTEGER || v < -Number.MAX_SAFE_INTEGER)) return true;
  }
  return false;
}

/** A column declared with TEXT affinity stores numbers as text, so its values never need the check. */
function numericColumns(statement: AnyStatement): string[] {
  const names = statement.columnNames;
  const types = statement.declaredTypes;
  const out: string[] = [];
  for (let i = 0; i < names.length; i++) {
    const type = types[i]?.toUpperCase() ?? "";
    if (!(type.includes("CHAR") || type.includes("CLOB") || type.includes("TEXT")))
      out.push(names[i] as string);
  }
  return out;
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
    return this.allOf(this.statement(text), values);
  }

  get(text: string, values: readonly SqliteValue[]): Row | null {
    return this.getOf(this.statement(text), values);
  }

  /**
   * The cached statement of `text`, compiled now if it is not cached yet. Prepare errors
   * (syntax, unknown table) come back as DriverErrors, like the statement's own.
   */
  statement(text: string): CachedStatement {
    try {
      return this.#cached(text);
    } catch (error) {
      throw wrapSqliteError(error);
    }
  }

  /** The cached statement of `text` if there is one (a hit counts as a use), without compiling. */
  cachedStatement(text: string): CachedStatement | undefined {
    if (this.#closed) return undefined;
    const cached = this.#statements.get(text);
    if (cached !== undefined) cached.used = true;
    return cached;
  }

  /** Every row of a statement from `statement()` or `cachedStatement()`. */
  allOf(cached: CachedStatement, values: readonly SqliteValue[]): Row[] {
    try {
      const statement = cached.statement;
      if (cached.readonly) {
        const rows = bound(statement).all(values);
        const unsafe = cached.unsafe;
        if (unsafe === NEVER_UNSAFE || !rows.some(unsafe)) return rows;
      }
      return this.#withBigints(statement, () => bound(statement).all(values).map(fromSqliteRow));
    } catch (error) {
      throw wrapSqliteError(error);
    }
  }

  /** The first row of a statement from `statement()` or `cachedStatement()`, null if none. */
  getOf(cached: CachedStatement, values: readonly SqliteValue[]): Row | null {
    try {
      const statement = cached.statement;
      if (cached.readonly) {
        const row = bound(statement).get(values);
        if (row === null || row === undefined) return null;
        if (!cached.unsafe(row)) return row;
      }
      // Not #withBigints: a closure over `values` would cost every call a scope object.
      statement.safeIntegers(true);
      let row: Row | null | undefined;
      try {
        row = bound(statement).get(values);
      } finally {
        statement.safeIntegers(false);
      }
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
    return this.#cached(text).statement;
  }

  #cached(text: string): CachedStatement {
    if (this.#closed) throw new StorageError("The SQLite database is closed", { code: "BACKEND_CLOSED" });
    const cached = this.#statements.get(text);
    if (cached !== undefined) {
      cached.used = true;
      return cached;
    }
    const statement = preparePersistent(this.#db, text);
    statement.safeIntegers(false);
    if (this.#statements.size >= this.#cacheSize) this.#evictOne();
    const entry: CachedStatement = {
      statement,
      readonly: statement.readonly,
      unsafe: statement.readonly ? unsafeNumberCheck(numericColumns(statement)) : NEVER_UNSAFE,
      markers: -1,
      used: false,
    };
    this.#statements.set(text, entry);
    return entry;
  }

  #withBigints<T>(statement: AnyStatement, read: () => T): T {
    statement.safeIntegers(true);
    try {
      return read();
    } finally {
      statement.safeIntegers(false);
    }
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
 * Cached statements live long, so they are prepared as SQLITE_PREPARE_PERSISTENT (what
 * bun:sqlite's own query() cache does): SQLite's hint to keep a statement out of the
 * connection's lookaside memory, a small store it otherwise hands to whatever is prepared first.
 * Measured here: a get on a connection holding 200 statements prepared without the flag ran
 * ~4% slower than on a fresh connection, with the flag as fast (a connection whose statements
 * have also run stays ~3% slower either way). bun:sqlite takes the flags as prepare's third
 * argument, which its type declarations do not list.
 */
type PrepareWithFlags = (text: string, params: undefined, flags: number) => Statement<Row, SqliteValue[]>;

function preparePersistent(db: Database, text: string): Statement<Row, SqliteValue[]> {
  return (db.prepare as unknown as PrepareWithFlags).call(
    db,
    text,
    undefined,
    constants.SQLITE_PREPARE_PERSISTENT,
  );
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
