import type { DriverHandle } from "./driver-types.ts";
import { driverCodeOf } from "./errors.ts";

/*
 * What stands between this process and PostgreSQL, learnt at connect time on two throwaway
 * connections, because a transaction-mode pooler (PgBouncer, Supavisor) looks like a server but
 * breaks session state: prepared statements, LISTEN, SET, pipelining across statements. Nothing
 * in the protocol says a pooler is there (`SHOW pool_mode` only works on PgBouncer's own admin
 * database), so it is observed: a session pinned to one server process (direct, or a pooler in
 * session mode) always sees the same `pg_backend_pid()`; behind transaction pooling the server
 * process a session just used is handed to the next client (PgBouncer reuses the most recently
 * released one), and the first session gets another. Measured on PgBouncer 1.18: 3 of 3 probes
 * in transaction mode, 0 of 3 direct.
 */

export interface SessionRoute {
  /** Consecutive transactions of one session may run on different server processes. */
  transactionPooled: boolean;
  /** `statement_timeout` sent as a startup parameter is accepted and in force. */
  startupTimeout: boolean;
  /** The server is a hot standby (`pg_is_in_recovery()`): it refuses every write. */
  inRecovery: boolean;
}

/** What is assumed without a probe: a plain server. */
export const DIRECT_ROUTE: SessionRoute = Object.freeze({
  transactionPooled: false,
  startupTimeout: true,
  inRecovery: false,
});

/** A single-connection driver instance (max: 1, so BEGIN is allowed on it). */
export interface ProbeConnection extends DriverHandle {
  end(options?: { timeout?: number }): Promise<void>;
}

/** Opens one probe connection; `withTimeout` adds `statement_timeout` to its startup parameters. */
export type ProbeFactory = (withTimeout: boolean) => ProbeConnection;

const SIMPLE = { simple: true } as const;

/*
 * A pinned session never shows either sign, however often it is asked, so asking again cannot
 * make a plain server look pooled. One round can miss a pooler: other clients (processes started
 * together) take the server process `first` released and give it back between the steps, so the
 * held session gets another one and `first` gets its own again. Measured with 12 backends opened
 * at once through PgBouncer: 1-2 of 12 missed it in each of 3 runs with one round.
 */
const PROBE_ROUNDS = 5;

export async function probeSessionRoute(
  open: ProbeFactory,
  statementTimeoutMs: number,
): Promise<SessionRoute> {
  const opened: ProbeConnection[] = [];
  const connect = (withTimeout: boolean) => {
    const conn = open(withTimeout);
    opened.push(conn);
    return conn;
  };
  try {
    let first = connect(statementTimeoutMs > 0);
    let state: FirstState;
    let startupTimeout = statementTimeoutMs > 0;
    try {
      state = await readFirstState(first);
    } catch (error) {
      if (!startupTimeout || !isRefusedStartupParameter(error)) throw error;
      // PgBouncer without ignore_startup_parameters: the timeout must travel another way.
      startupTimeout = false;
      first = connect(false);
      state = await readFirstState(first);
    }
    // A pooler told to ignore the parameter drops it silently: believe only what the session says.
    if (startupTimeout && state.timeout !== String(statementTimeoutMs)) startupTimeout = false;
    const second = connect(false);
    let transactionPooled = false;
    for (let round = 0; round < PROBE_ROUNDS && !transactionPooled; round++) {
      await second.unsafe("BEGIN", [], SIMPLE);
      const held = await pidOf(second);
      const again = await pidOf(first);
      await second.unsafe("COMMIT", [], SIMPLE);
      transactionPooled = held === state.pid || again !== state.pid;
    }
    return {
      transactionPooled,
      startupTimeout: statementTimeoutMs > 0 ? startupTimeout : true,
      inRecovery: state.inRecovery,
    };
  } finally {
    await Promise.all(opened.map((c) => c.end({ timeout: 1 }).catch(() => {})));
  }
}

interface FirstState {
  pid: number;
  timeout: string;
  inRecovery: boolean;
}

async function readFirstState(conn: ProbeConnection): Promise<FirstState> {
  const [row] = await conn.unsafe(
    "select pg_backend_pid() as pid, pg_is_in_recovery() as recovery, " +
      "(select setting from pg_settings where name = 'statement_timeout') as timeout",
    [],
    SIMPLE,
  );
  return {
    pid: Number(row?.pid),
    timeout: String(row?.timeout),
    inRecovery: row?.recovery === true || row?.recovery === "t",
  };
}

async function pidOf(conn: ProbeConnection): Promise<number> {
  const [row] = await conn.unsafe("select pg_backend_pid() as pid", [], SIMPLE);
  return Number(row?.pid);
}

/** PgBouncer's answer to a startup parameter it does not track (08P01, not a PostgreSQL code). */
export function isRefusedStartupParameter(error: unknown): boolean {
  return driverCodeOf(error) === "08P01" && /unsupported startup parameter/i.test(messageOf(error));
}

/**
 * Failures of the pooler's own configuration: PgBouncer reports an unknown database as 08P01,
 * the code it also uses for "cannot connect to server" (which a restart does fix).
 */
export function isPoolerRefusal(error: unknown): boolean {
  return (
    driverCodeOf(error) === "08P01" &&
    /does not exist|unsupported startup parameter|no such (database|user)/i.test(messageOf(error))
  );
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * postgres.js 3.4.9 takes `target_session_attrs=read-write` to mean "default_transaction_read_only
 * is off", which a hot standby also reports: it connected to the standby (measured with a
 * primary and a `pg_basebackup -R` standby). libpq also refuses a server in hot standby there;
 * the driver's `primary` does exactly that check, so read-write is passed on as primary.
 */
export function sessionAttrsOption(url: string): Record<string, string> {
  const query = url.indexOf("?");
  if (query === -1) return {};
  const attrs = new URLSearchParams(url.slice(query + 1)).get("target_session_attrs");
  return attrs === "read-write" ? { target_session_attrs: "primary" } : {};
}
