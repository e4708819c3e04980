/*
 * db:copy's work: every catalogued table from one open backend to another (migrated) one, in
 * foreign-key order, in bounded batches, in ONE transaction on the target (a failure leaves it as
 * it was), generated-key counters reset; then a verification that reads both sides again.
 */
import type { DatabaseBackend } from "../backends/index.ts";
import { MalwarError } from "../errors/index.ts";
import { type CatalogTable, TABLE_CATALOG, writtenRow } from "../repositories/index.ts";
import { sql } from "../sql/index.ts";
import { countRows, tablePages } from "./table-pages.ts";

/** The copy cannot go ahead as asked (not a storage failure): the CLI prints it, exit 1. */
export class CopyRefused extends MalwarError {
  override readonly name = "CopyRefused";
  constructor(message: string) {
    super(message, { code: "COPY_REFUSED" });
  }
}

export interface CopyProgress {
  table: string;
  done: number;
  total: number;
  /** Since this table started. */
  elapsedMs: number;
}

export interface CopyOptions {
  /** Replace what the target holds (default: refuse a target with rows of its own). */
  force?: boolean;
  /** Rows per read page and per insert batch. Default 5,000. */
  batchSize?: number;
  onProgress?: (progress: CopyProgress) => void;
}

export interface TableCopied {
  table: string;
  rows: number;
  ms: number;
}

/** Tables the migrations themselves fill (001 seeds the threat intel): rows there beyond the seed are data. */
export interface SeedCounts {
  [table: string]: number;
}

export const BOOKKEEPING_TABLE = "schema_migrations";

/** Refuses tables the catalog does not know: copying "every table" must not silently skip one. */
export async function checkTables(db: DatabaseBackend, side: string): Promise<void> {
  const known = new Set([BOOKKEEPING_TABLE, ...TABLE_CATALOG.map((t) => t.name)]);
  const unknown = (await db.listTables()).filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new CopyRefused(
      `the ${side} has table${unknown.length === 1 ? "" : "s"} db:copy does not know: ${unknown.join(", ")}`,
    );
  }
}

/** Tables of the target holding more rows than a freshly migrated database: what --force would replace. */
export async function occupiedTables(target: DatabaseBackend, seed: SeedCounts): Promise<string[]> {
  const occupied: string[] = [];
  for (const table of TABLE_CATALOG) {
    const n = await countRows(target, table.name);
    if (n > (seed[table.name] ?? 0)) occupied.push(`${table.name} (${n} rows)`);
  }
  return occupied;
}

export async function copyTables(
  source: DatabaseBackend,
  target: DatabaseBackend,
  options: CopyOptions = {},
): Promise<TableCopied[]> {
  const batchSize = options.batchSize ?? 5_000;
  const totals = new Map<string, number>();
  for (const table of TABLE_CATALOG) totals.set(table.name, await countRows(source, table.name));
  return target.transaction(async (tx) => {
    // Children first, so no foreign key is broken on the way; the migrations' seed rows go too.
    for (const table of [...TABLE_CATALOG].reverse())
      await tx.execute(sql`DELETE FROM ${sql.ident(table.name)}`);
    const copied: TableCopied[] = [];
    for (const table of TABLE_CATALOG) {
      copied.push(
        await copyTable(source, tx, table, totals.get(table.name) ?? 0, batchSize, options.onProgress),
      );
    }
    return copied;
  });
}

async function copyTable(
  source: DatabaseBackend,
  tx: DatabaseBackend,
  table: CatalogTable,
  total: number,
  batchSize: number,
  onProgress: CopyOptions["onProgress"],
): Promise<TableCopied> {
  const started = performance.now();
  const columns = table.columns.map(([c]) => c);
  let done = 0;
  for await (const page of tablePages(source, table, batchSize)) {
    await tx.insertRows(
      table.name,
      columns,
      page.map((row) => writtenRow(table, row)),
    );
    done += page.length;
    onProgress?.({
      table: table.name,
      done,
      total: Math.max(total, done),
      elapsedMs: performance.now() - started,
    });
  }
  if (table.identity) await tx.resetIdentity(table.name, table.key);
  if (done === 0) onProgress?.({ table: table.name, done, total: 0, elapsedMs: performance.now() - started });
  return { table: table.name, rows: done, ms: performance.now() - started };
}
