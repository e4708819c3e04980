/** Helpers for the PostgreSQL-only tests: independent observation through pg_stat_activity. */
import postgres from "postgres";
import type { ListenConnection, ListenerEvents } from "../../src/backends/postgres/change-signals.ts";
import { PostgresDatabase, type PostgresOptions } from "../../src/backends/postgres/index.ts";
import type { adminClient } from "../support/postgres.ts";

let counter = 0;

/** An application_name no other test uses, so pg_stat_activity counts only this pool. */
export function uniqueAppName(prefix: string): string {
  return `${prefix}_${process.pid}_${++counter}_${Math.random().toString(36).slice(2, 6)}`;
}

export type Admin = ReturnType<typeof adminClient>;

/** Client backends of `appName` connected to `database`, as the server sees them. */
export async function connectionCount(admin: Admin, database: string, appName: string): Promise<number> {
  const rows = await admin`
    select count(*)::int as n from pg_stat_activity
    where datname = ${database} and application_name = ${appName} and backend_type = 'client backend'`;
  return (rows[0] as { n: number }).n;
}

/** Polls `read` until `done` holds; fails after `limitMs` with the last value (no timing asserted). */
export async function waitFor<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  limitMs = 20_000,
): Promise<T> {
  const deadline = performance.now() + limitMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (performance.now() > deadline)
      throw new Error(`condition not reached; last value ${JSON.stringify(value)}`);
    await Bun.sleep(50);
  }
}

export function openPool(url: string, options: Partial<PostgresOptions> & { applicationName: string }) {
  return PostgresDatabase.create(url, { min: 2, max: 4, ...options });
}

/** ChangeListener's `connect` on a plain postgres.js connection (tagged with `appName` when given). */
export function listenConnector(url: string, appName?: string) {
  return (events: ListenerEvents): ListenConnection => {
    // onnotify is a driver option its typings leave out.
    const options: Record<string, unknown> = {
      max: 1,
      onnotify: events.onNotify,
      onclose: events.onClose,
      onnotice: () => {},
      ...(appName === undefined ? {} : { connection: { application_name: appName } }),
    };
    return postgres(url, options as Parameters<typeof postgres>[1]) as unknown as ListenConnection;
  };
}
