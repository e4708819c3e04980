/**
 * The raw postgres.js contender: the statements the repositories send, as named prepared
 * statements (`sql.unsafe(text, values, { prepare: true })`, what tagged templates do too), on a
 * pool of the same size as ours, warmed the same way. The workloads are in pg-client-contender.ts.
 */
import postgres from "postgres";
import { type LazyQuery, type Params, PgClientContender, type Row } from "./pg-client-contender.ts";

type Sql = postgres.Sql;
/** The pool's and a transaction's handle alike. */
type Handle = postgres.ISql;

const PREPARED = { prepare: true } as const;

export class RawPostgres extends PgClientContender<Sql, Handle> {
  readonly label = "raw";

  static async open(url: string, poolSize: number): Promise<RawPostgres> {
    const sql = postgres(url, {
      max: poolSize,
      onnotice: () => {},
      connection: { TimeZone: "UTC" },
    });
    // postgres.js opens connections on demand: open all of them now, as the project's pool does.
    await Promise.all(Array.from({ length: poolSize }, () => sql`select 1`));
    return new RawPostgres(sql);
  }

  protected query(on: Handle, text: string, values: Params): LazyQuery {
    return on.unsafe(text, values, PREPARED);
  }

  protected script(text: string): Promise<Row[]> {
    return this.pool.unsafe(text);
  }

  protected transaction(body: (tx: Handle) => Promise<void>): Promise<unknown> {
    return this.pool.begin(body);
  }

  // postgres.js's COPY FROM STDIN is a Node Writable, done once it has flushed ("finish").
  protected async copyIn(tx: Handle, text: string, chunks: Iterable<string>): Promise<void> {
    const stream = await tx.unsafe(text).writable();
    const done = new Promise<void>((resolve, reject) => {
      stream.on("finish", resolve);
      stream.on("error", reject);
    });
    for (const chunk of chunks) stream.write(chunk);
    stream.end();
    await done;
  }

  async close(): Promise<void> {
    await this.pool.end({ timeout: 5 });
  }
}
