/*
 * Row counts and a content checksum per table, computed the same way on both databases from the
 * values the repositories hand out (row-forms.ts), never from raw driver types. The checksum is
 * order-free (the sum of per-row SHA-256 prefixes, mod 2^64), so the two sides may read their
 * rows in their own key order (the collations differ) and still agree exactly when the sets of
 * rows do.
 */
import type { DatabaseBackend } from "../backends/index.ts";
import { type CatalogTable, canonicalRow, TABLE_CATALOG } from "../repositories/index.ts";
import { tablePages } from "./table-pages.ts";

export interface TableSummary {
  rows: number;
  /** 16 hex digits. */
  checksum: string;
}

export interface TableVerdict {
  table: string;
  source: TableSummary;
  target: TableSummary;
  match: boolean;
}

const MASK = (1n << 64n) - 1n;

export async function summarise(
  db: DatabaseBackend,
  table: CatalogTable,
  pageSize = 5_000,
): Promise<TableSummary> {
  let rows = 0;
  let sum = 0n;
  for await (const page of tablePages(db, table, pageSize)) {
    for (const row of page) {
      const digest = Bun.CryptoHasher.hash("sha256", canonicalRow(table, row)) as Uint8Array;
      sum = (sum + new DataView(digest.buffer, digest.byteOffset, 8).getBigUint64(0)) & MASK;
      rows++;
    }
  }
  return { rows, checksum: sum.toString(16).padStart(16, "0") };
}

export async function verifyCopy(source: DatabaseBackend, target: DatabaseBackend): Promise<TableVerdict[]> {
  const verdicts: TableVerdict[] = [];
  for (const table of TABLE_CATALOG) {
    const [s, t] = await Promise.all([summarise(source, table), summarise(target, table)]);
    verdicts.push({
      table: table.name,
      source: s,
      target: t,
      match: s.rows === t.rows && s.checksum === t.checksum,
    });
  }
  return verdicts;
}
