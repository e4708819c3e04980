/**
 * The backend's own methods as an embedding server calls them (fetchOne, fetchAll, execute,
 * executeMany on a DatabaseBackend), against the raw driver sending the same SQL on the same
 * database: bun:sqlite's cached `query()` statements; postgres.js named prepared statements.
 * The executeMany reference is the fastest plain way each driver has: one prepared statement
 * stepped per row inside one transaction on SQLite, one `unnest` insert of column arrays on
 * PostgreSQL. Each round runs every operation on both sides back to back (who goes first
 * alternates), after an untimed warm-up round; ratios are paired per round.
 */
import { Database } from "bun:sqlite";
import postgres from "postgres";
import type { DatabaseBackend } from "../../src/backends/database-backend.ts";
import type { BenchBackend } from "../options.ts";
import { growTo, scaleScanId } from "../scale/scale-data.ts";
import { freshPlace, openOurs } from "../setup.ts";
import { pairedRatio, type Summary, summarize } from "../stats.ts";

export type BackendOp = "fetchOne" | "fetchAll" | "execute" | "executeMany";

export interface BackendOpResult {
  op: BackendOp;
  what: string;
  /** Work per round: calls, or rows for executeMany. */
  work: number;
  unit: string;
  ours: Summary;
  raw: Summary;
  rawWhat: string;
  ratio: Summary;
}

export interface BackendBenchResult {
  backend: BenchBackend;
  rounds: number;
  ops: BackendOpResult[];
}

export interface BackendBenchCounts {
  calls: number;
  manyRows: number;
}

const SCANS = 2_000;
/** Blocks per round for the per-call operations. */
const BLOCKS = 10;
/** executeMany calls per side per round. */
const MANY_REPEATS = 4;
const FETCH_ONE = "SELECT * FROM scans WHERE id = ?";
/** The newest scans, ids in byte order as each dialect spells it: both sides send one text. */
const fetchAllText = (backend: BenchBackend) =>
  `SELECT * FROM scans ORDER BY created_at DESC, id ${backend === "postgres" ? 'COLLATE "C"' : "COLLATE BINARY"} DESC LIMIT ?`;
const EXECUTE = "INSERT INTO api_usage (api_key, endpoint, method, status_code) VALUES (?, ?, ?, ?)";
const PG_UNNEST =
  "INSERT INTO api_usage (api_key, endpoint, method, status_code) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[])";

/** The same statement with `$n` markers, for postgres.js. */
function numbered(text: string): string {
  let n = 0;
  return text.replace(/\?/g, () => `$${++n}`);
}

interface Side {
  fetchOne(ids: readonly string[]): Promise<number>;
  fetchAll(times: number): Promise<number>;
  execute(rows: readonly UsageValues[]): Promise<void>;
  executeMany(rows: readonly UsageValues[]): Promise<void>;
  clear(): Promise<void>;
  close(): Promise<void>;
}

type UsageValues = [string, string, string, number];

function ours(db: DatabaseBackend): Side {
  const FETCH_ALL = fetchAllText(db.backendName);
  return {
    async fetchOne(ids) {
      let n = 0;
      for (const id of ids) if ((await db.fetchOne(FETCH_ONE, [id])) !== null) n++;
      return n;
    },
    async fetchAll(times) {
      let n = 0;
      for (let k = 0; k < times; k++) n += (await db.fetchAll(FETCH_ALL, [50])).length;
      return n;
    },
    async execute(rows) {
      for (const r of rows) await db.execute(EXECUTE, r);
    },
    async executeMany(rows) {
      await db.executeMany(EXECUTE, rows);
    },
    async clear() {
      await db.execute("DELETE FROM api_usage");
      // An empty WAL for whoever goes next: a checkpoint falling inside one side's timing is noise.
      if (db.backendName === "sqlite") await db.fetchOne("PRAGMA wal_checkpoint(TRUNCATE)");
    },
    close: () => db.close(),
  };
}

function rawSqlite(path: string): Side {
  const db = new Database(path, { readwrite: true, strict: true });
  db.run("PRAGMA busy_timeout = 5000");
  db.run("PRAGMA foreign_keys = ON");
  db.run("PRAGMA synchronous = NORMAL");
  const one = db.query(FETCH_ONE);
  const all = db.query(fetchAllText("sqlite"));
  const insert = db.query(EXECUTE);
  const many = db.transaction((rows: readonly UsageValues[]) => {
    for (const r of rows) insert.run(...r);
  });
  return {
    async fetchOne(ids) {
      let n = 0;
      for (const id of ids) if (one.get(id) !== null) n++;
      return n;
    },
    async fetchAll(times) {
      let n = 0;
      for (let k = 0; k < times; k++) n += all.all(50).length;
      return n;
    },
    async execute(rows) {
      for (const r of rows) insert.run(...r);
    },
    async executeMany(rows) {
      many.immediate(rows);
    },
    async clear() {
      db.run("DELETE FROM api_usage");
      db.run("PRAGMA wal_checkpoint(TRUNCATE)");
    },
    async close() {
      db.close(false);
    },
  };
}

async function rawPostgres(url: string, poolSize: number): Promise<Side> {
  const sql = postgres(url, { max: poolSize, onnotice: () => {}, connection: { TimeZone: "UTC" } });
  await Promise.all(Array.from({ length: poolSize }, () => sql`select 1`));
  const opts = { prepare: true } as const;
  const one = numbered(FETCH_ONE);
  const all = numbered(fetchAllText("postgres"));
  const insert = numbered(EXECUTE);
  return {
    async fetchOne(ids) {
      let n = 0;
      for (const id of ids) if ((await sql.unsafe(one, [id], opts))[0] !== undefined) n++;
      return n;
    },
    async fetchAll(times) {
      let n = 0;
      for (let k = 0; k < times; k++) n += (await sql.unsafe(all, [50], opts)).length;
      return n;
    },
    async execute(rows) {
      for (const r of rows) await sql.unsafe(insert, r, opts);
    },
    async executeMany(rows) {
      const cols: [string[], string[], string[], number[]] = [[], [], [], []];
      for (const r of rows) {
        cols[0].push(r[0]);
        cols[1].push(r[1]);
        cols[2].push(r[2]);
        cols[3].push(r[3]);
      }
      await sql.unsafe(PG_UNNEST, cols as never, opts);
    },
    async clear() {
      await sql.unsafe("DELETE FROM api_usage");
    },
    async close() {
      await sql.end({ timeout: 5 });
    },
  };
}

function usageRows(n: number): UsageValues[] {
  const endpoints = ["/api/v1/scans", "/api/v1/scans/:id", "/api/v1/audit"];
  return Array.from({ length: n }, (_, i) => [
    `key-${i % 20}`,
    endpoints[i % 3] as string,
    i % 3 ? "GET" : "POST",
    200,
  ]);
}

export async function runBackendBench(
  backend: BenchBackend,
  options: {
    rounds: number;
    counts: BackendBenchCounts;
    postgresAdminUrl: string;
    poolSize: number;
    log: (l: string) => void;
  },
): Promise<BackendBenchResult> {
  const place = await freshPlace(backend, "backend", options.postgresAdminUrl);
  const db = await openOurs(backend, place, options.poolSize);
  await growTo(db, 1, SCANS);
  const side = {
    ours: ours(db),
    raw: backend === "sqlite" ? rawSqlite(place.target) : await rawPostgres(place.target, options.poolSize),
  };
  try {
    const { calls, manyRows } = options.counts;
    const ids = Array.from({ length: calls }, (_, k) => scaleScanId(1 + ((k * 7919) % SCANS)));
    const single = usageRows(calls);
    const many = usageRows(manyRows);
    const rates: Record<BackendOp, { ours: number[]; raw: number[] }> = {
      fetchOne: { ours: [], raw: [] },
      fetchAll: { ours: [], raw: [] },
      execute: { ours: [], raw: [] },
      executeMany: { ours: [], raw: [] },
    };
    const time = async (fn: () => Promise<unknown>) => {
      const t0 = performance.now();
      await fn();
      return (performance.now() - t0) / 1000;
    };
    for (let round = 0; round <= options.rounds; round++) {
      options.log(`  ${backend} backend round ${round === 0 ? "warm-up" : `${round}/${options.rounds}`}`);
      const order: ("ours" | "raw")[] = round % 2 === 1 ? ["raw", "ours"] : ["ours", "raw"];
      const keep = (op: BackendOp, who: "ours" | "raw", work: number, s: number) => {
        if (round > 0) rates[op][who].push(work / s);
      };
      // Each operation in blocks, the two sides alternating block by block, so a burst of load on
      // the shared machine falls on both alike. `untimed` runs before each timed block.
      const blocks = async (
        op: BackendOp,
        run: (who: "ours" | "raw", block: number) => Promise<unknown>,
        count = BLOCKS,
        work = calls,
        untimed?: (who: "ours" | "raw") => Promise<void>,
      ) => {
        const spent = { ours: 0, raw: 0 };
        for (let b = 0; b < count; b++) {
          for (const who of b % 2 === 0 ? order : [...order].reverse()) {
            await untimed?.(who);
            spent[who] += await time(() => run(who, b));
          }
        }
        for (const who of order) keep(op, who, work, spent[who]);
      };
      const per = Math.ceil(calls / BLOCKS);
      await blocks("fetchOne", (who, b) => side[who].fetchOne(ids.slice(b * per, (b + 1) * per)));
      await blocks("fetchAll", (who) => side[who].fetchAll(per));
      for (const who of order) await side[who].clear();
      await blocks("execute", (who, b) => side[who].execute(single.slice(b * per, (b + 1) * per)));
      // executeMany is one long call per side: a single timing each swung PostgreSQL's ratio by
      // ±0.1 between runs (0.99 and 0.88), so each side runs it MANY_REPEATS times per round, on an
      // emptied table after a full collection.
      await blocks(
        "executeMany",
        (who) => side[who].executeMany(many),
        MANY_REPEATS,
        manyRows * MANY_REPEATS,
        async (who) => {
          await side[who].clear();
          Bun.gc(true);
        },
      );
    }
    const described: Record<BackendOp, [string, string, string, number]> = {
      fetchOne: [
        "a scan by id",
        "ops/s",
        backend === "sqlite" ? "query().get()" : "unsafe(prepare)[0]",
        calls,
      ],
      fetchAll: [
        "50 newest scans",
        "ops/s",
        backend === "sqlite" ? "query().all()" : "unsafe(prepare)",
        calls,
      ],
      execute: [
        "one api_usage insert",
        "ops/s",
        backend === "sqlite" ? "query().run()" : "unsafe(prepare)",
        calls,
      ],
      executeMany: [
        `${manyRows.toLocaleString("en-US")} api_usage rows`,
        "rows/s",
        backend === "sqlite" ? "one prepared statement stepped in a transaction" : "one unnest insert",
        manyRows * MANY_REPEATS,
      ],
    };
    const ops = (Object.keys(rates) as BackendOp[]).map((op) => {
      const o = summarize(rates[op].ours);
      const r = summarize(rates[op].raw);
      const [what, unit, rawWhat, work] = described[op];
      return { op, what, unit, work, ours: o, raw: r, rawWhat, ratio: pairedRatio(o, r) };
    });
    return { backend, rounds: options.rounds, ops };
  } finally {
    await side.raw.close();
    await side.ours.close();
    await place.dispose();
  }
}
