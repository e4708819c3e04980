import { DEFAULT_CONFIG } from "../../config/index.ts";
import type { NoticeHandler } from "./notice-log.ts";
import { DIRECT_ROUTE, type SessionRoute } from "./session-route.ts";
import { DRIVER_TYPES } from "./values.ts";

/** Options of `PostgresDatabase.create`, in the project's units (seconds, ms, booleans). */
export interface PostgresOptions {
  /** Connections opened by `create` and kept open. */
  min: number;
  /** Hard cap on connections, in use or idle. */
  max: number;
  /** Seconds `create` keeps retrying the first connections (a database starting alongside). */
  connectTimeout?: number;
  /** Milliseconds before the server cancels a statement; 0 = none. */
  statementTimeout?: number;
  /** Named prepared statements; false behind PgBouncer/Supavisor in transaction mode. */
  prepare?: boolean;
  /** Seconds a connection above `min` may stay idle before it is closed. */
  idleTimeout?: number;
  /** `application_name` of the sessions, as pg_stat_activity shows it. */
  applicationName?: string;
  /** Where server NOTICEs go (default: the debug log). */
  onNotice?: NoticeHandler;
  /** A read replica (hot standby) for reads that may lag: lists and searches. */
  readUrl?: string | undefined;
}

export type ResolvedPostgresOptions = Required<Omit<PostgresOptions, "readUrl">>;

/** What `create` uses for an option left out: the configuration's defaults, plus two of its own. */
export const POSTGRES_DEFAULTS = Object.freeze({
  connectTimeout: DEFAULT_CONFIG.postgresConnectTimeout,
  statementTimeout: DEFAULT_CONFIG.postgresStatementTimeout,
  prepare: DEFAULT_CONFIG.postgresPrepare,
  idleTimeout: 30,
  applicationName: "malwar",
});

/**
 * Bounds one connection attempt once the pool runs, so a query never waits forever on a host that
 * swallows packets; a timed-out attempt is retried (retry-policy.ts), and start-up retries around
 * it for the whole `connectTimeout`.
 * Kept short because of a race seen here with postgres.js 3.4.9 under Bun 1.4.5: after the server
 * kills pooled connections, about one reconnect in ten lost its socket and hung until this timer
 * fired (measured: 4-5 stalls in 40 rounds of kill-and-query, each exactly connect_timeout long;
 * fresh connections never stall). With patches/postgres@3.4.9.patch no stall was seen in 90
 * rounds (slowest query 277 ms), but a request's 3 s bound must not rest on that. A normal
 * connect with authentication takes milliseconds here and well under a second across a network,
 * so 2 s still leaves room.
 */
export function perAttemptConnectTimeout(connectTimeout: number): number {
  return Math.min(2, Math.max(1, Math.ceil(connectTimeout)));
}

/**
 * Seconds a closed connection waits before its next connect attempt, given the failures so far.
 * postgres.js counts failures for the whole pool and by default waits up to 20 s
 * (`(0.5 + random/2) * min(3 ** retries / 100, 20)`): after an outage, statements queued on a
 * closed connection waited 10-21 s for a server that had been back for seconds. Capped at
 * 0.25 s here, so a returning server is found within a quarter second; an attempt against a
 * server that refuses costs a millisecond, so the short pause costs the server nothing.
 */
export function reconnectBackoffSeconds(failures: number): number {
  return Math.min(0.25, 0.01 * 2 ** failures);
}

/** What the driver is given for one of the pool's parts. */
export function driverOptions(
  options: ResolvedPostgresOptions,
  part: { max: number; idleTimeout: number | null; onClose: () => void },
  route: SessionRoute = DIRECT_ROUTE,
): Record<string, unknown> {
  return {
    // Behind transaction pooling a statement queued behind another on the same connection can be
    // lost: PgBouncer 1.18 hands the server connection on at the first ReadyForQuery (132-387 of
    // 400 concurrent statements never answered). 0 = one statement at a time per connection.
    ...(route.transactionPooled ? { max_pipeline: 0 } : {}),
    max: part.max,
    // null: never close for idleness (the driver would close the kept minimum too).
    idle_timeout: part.idleTimeout ?? null,
    connect_timeout: perAttemptConnectTimeout(options.connectTimeout),
    backoff: reconnectBackoffSeconds,
    prepare: options.prepare,
    types: DRIVER_TYPES,
    onnotice: options.onNotice,
    onclose: part.onClose,
    connection: {
      application_name: options.applicationName,
      // Sessions read and write UTC whatever the server's or the database's zone: DEFAULT NOW()
      // into a TIMESTAMP column then holds UTC, as the schema requires.
      TimeZone: "UTC",
      // Instants read as text (capabilities.instantText) and the driver's own date parsers both
      // expect ISO text, whatever DateStyle the server or the database was given.
      DateStyle: "ISO, MDY",
      // Refused by PgBouncer (08P01) or dropped by ignore_startup_parameters: then the backend
      // sets it per transaction and cancels auto-commit statements itself (session-route.ts).
      ...(route.startupTimeout ? { statement_timeout: options.statementTimeout } : {}),
    },
  };
}
