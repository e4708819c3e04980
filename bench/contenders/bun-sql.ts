/**
 * The peer: Bun's built-in SQL client (`import { SQL } from "bun"`) sending the statements the
 * raw postgres.js contender sends, on a pool of the same size, warmed the same way. PostgreSQL only.
 * The workloads are in pg-client-contender.ts.
 *
 * `sql.unsafe(text, values)` with values runs as a named prepared statement (Bun's default
 * `prepare: true`, each connection keeping the 1,024 it used last; checked in
 * pg_prepared_statements), which is what raw's `{ prepare: true }` does. Sessions run in UTC
 * through the `connection` startup parameters, checked on every connection when the pool opens.
 * Queries are lazy as in postgres.js: they run once awaited or execute()d.
 *
 * Parameters as the shared statements need them: a plain JS array binds as a PostgreSQL array
 * (unnest; the $n::type[] casts give the types; nulls, quotes, backslashes, braces and the
 * string "NULL" arrive as they were), and the json text goes as it is (the $1::text cast).
 */
import { SQL } from "bun";
import { type LazyQuery, type Params, PgClientContender, type Row } from "./pg-client-contender.ts";

export class BunSqlPeer extends PgClientContender<SQL> {
  readonly label = "bun-sql";
  readonly title = "Bun SQL";

  static async open(url: string, poolSize: number): Promise<BunSqlPeer> {
    const sql = new SQL(url, {
      max: poolSize,
      connection: { TimeZone: "UTC" },
    });
    // Open every connection now, as the project's pool does: reserving poolSize at once takes
    // each from its own connection; each one shows it runs in UTC.
    const reserved = await Promise.all(Array.from({ length: poolSize }, () => sql.reserve()));
    try {
      for (const r of reserved) {
        const [row] = await r.unsafe<Row[]>("SHOW TimeZone");
        if (row?.TimeZone !== "UTC") throw new Error(`Bun SQL session TimeZone is ${String(row?.TimeZone)}`);
      }
    } finally {
      for (const r of reserved) r.release();
    }
    return new BunSqlPeer(sql);
  }

  protected query(on: SQL, text: string, values: Params): LazyQuery {
    return on.unsafe<Row[]>(text, values);
  }

  protected script(text: string): Promise<Row[]> {
    return this.pool.unsafe<Row[]>(text);
  }

  protected transaction(body: (tx: SQL) => Promise<void>): Promise<unknown> {
    return this.pool.begin(body);
  }

  // Bun SQL's COPY FROM STDIN is a web WritableStream on the query; close() resolves once the
  // server has stored the rows.
  protected async copyIn(tx: SQL, text: string, chunks: Iterable<string>): Promise<void> {
    const writer = tx.unsafe(text).writable().getWriter();
    for (const chunk of chunks) await writer.write(chunk);
    await writer.close();
  }

  async close(): Promise<void> {
    await this.pool.close({ timeout: 5 });
  }
}
