/**
 * Run by connections-killed.test.ts: 20 concurrent loops of transactions and plain statements on
 * a PostgresDatabase while the parent terminates the database's backends. Prints "ready" once
 * the loops run; stops them when a line arrives on stdin, then checks that statements succeed
 * again and prints one JSON line. Unpatched postgres.js dies here with an uncaught TypeError from
 * `nextWrite` (see patches/), so the process's exit is what the parent asserts on.
 */
import { PostgresDatabase } from "../../src/backends/postgres/index.ts";

const url = process.argv[2] as string;
const db = await PostgresDatabase.create(url, { min: 2, max: 6, applicationName: "malwar_killed_child" });
await db.execute("create table if not exists killed_child (id bigint primary key, n int not null)");

let running = true;
let ok = 0;
let pending = 0;
let failed = 0;
const codes = new Map<string, number>();
let next = 0;

async function loop(n: number): Promise<void> {
  for (let i = 0; running && i < 100_000; i++) {
    pending++;
    try {
      if (i % 2 === 0) {
        // Two statements in one transaction: a connection dying between them is what makes the
        // driver send its rollback on a connection that has already closed.
        await db.transaction(async (tx) => {
          const id = ++next * 100 + n;
          await tx.execute("insert into killed_child (id, n) values (?, ?)", [id, n]);
          await tx.fetchOne("select count(*) as c from killed_child where n = ?", [n]);
        });
      } else {
        await db.fetchOne("select pg_sleep(0.001), ? as n", [n]);
      }
      ok++;
    } catch (error) {
      failed++;
      const code = String(
        (error as { driverCode?: unknown }).driverCode ?? (error as { code?: unknown }).code,
      );
      codes.set(code, (codes.get(code) ?? 0) + 1);
      await Bun.sleep(5);
    } finally {
      pending--;
    }
  }
}

const loops = Array.from({ length: 20 }, (_, n) => loop(n));
console.log("ready");
for await (const _line of console) break;
running = false;
// A statement that never settles is the other failure this guards against: say so and exit.
const settled = await Promise.race([
  Promise.all(loops).then(() => true),
  Bun.sleep(20_000).then(() => false),
]);
if (!settled) {
  console.log(JSON.stringify({ hung: pending, ok, failed, codes: Object.fromEntries(codes) }));
  process.exit(3);
}

// After the faults: every statement succeeds again on fresh connections.
let after = 0;
for (let i = 0; i < 20; i++) {
  const row = await db.fetchOne<{ one: number }>("select 1 as one");
  if (row?.one === 1) after++;
}
await db.close();
console.log(JSON.stringify({ ok, failed, codes: Object.fromEntries(codes), after }));
