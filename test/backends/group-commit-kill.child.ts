/**
 * Child for the kill -9 test: 20 concurrent writers on one backend, printing `acked <id>` the
 * moment each write is answered; the parent kills it with SIGKILL mid-stream.
 */
import { SQLiteBackend } from "../../src/backends/sqlite/sqlite-backend.ts";

const path = process.argv[2];
if (path === undefined) throw new Error("usage: group-commit-kill.child.ts FILE");
const db = await SQLiteBackend.open(path);
await db.execute("CREATE TABLE IF NOT EXISTS acked (id INTEGER PRIMARY KEY, body TEXT NOT NULL)");
let next = 0;
await Promise.all(
  Array.from({ length: 20 }, async (_, worker) => {
    for (;;) {
      const id = next++;
      if (worker % 2 === 0) {
        await db.execute("INSERT INTO acked (id, body) VALUES (?, ?)", [id, "x".repeat(200)]);
      } else {
        await db.transaction(async (tx) => {
          await tx.execute("INSERT INTO acked (id, body) VALUES (?, ?)", [id, "y".repeat(200)]);
        });
      }
      process.stdout.write(`acked ${id}\n`);
    }
  }),
);
