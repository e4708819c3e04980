/**
 * Run by postgres-types.test.ts under a non-UTC TZ: prints what the backend reads back, so the
 * parent can check it is UTC whatever the process's zone.
 */
import { PostgresDatabase } from "../../src/backends/postgres/index.ts";

const url = process.argv[2] as string;
const db = await PostgresDatabase.create(url, { min: 1, max: 2, applicationName: "malwar_utc_child" });
try {
  await db.execute(
    "create table if not exists utc_child (id int primary key, at timestamp not null default now())",
  );
  await db.execute("insert into utc_child (id) values (?) on conflict do nothing", [process.pid]);
  const stored = await db.fetchOne<{ at: Date }>("select at from utc_child where id = ?", [process.pid]);
  const fixed = await db.fetchOne<{ ts: Date; tstz: Date; d: Date; zone: string }>(
    "select '2024-01-02 03:04:05.678'::timestamp as ts, '2024-01-02 03:04:05+00'::timestamptz as tstz, '2024-01-02'::date as d, current_setting('TimeZone') as zone",
  );
  const param = new Date("2024-06-30T23:59:58.250Z");
  const roundTrip = await db.fetchOne<{ at: Date }>("select ?::timestamp as at", [param]);
  process.stdout.write(
    JSON.stringify({
      processOffsetMinutes: new Date().getTimezoneOffset(),
      now: new Date().toISOString(),
      stored: stored?.at.toISOString(),
      ts: fixed?.ts.toISOString(),
      tstz: fixed?.tstz.toISOString(),
      d: fixed?.d.toISOString(),
      zone: fixed?.zone,
      roundTrip: roundTrip?.at.toISOString(),
    }),
  );
} finally {
  await db.close();
}
