import type { DriverHandle } from "./driver-types.ts";
import { sendChunks } from "./insert-rows.ts";
import { type MultiRowInsert, planMultiRowInsert, renderMultiRowInsert } from "./multi-row-insert.ts";

/*
 * The bulk half of executeMany, run inside one transaction (or savepoint) by the caller, so
 * the rows land all together or not at all. An INSERT … VALUES goes through the bulk-insert path
 * (insert-rows.ts) as multi-row statements; any other statement is pipelined row by row.
 */

/** The driver refuses 65,534 parameters or more in one statement. */
export const MAX_PARAMETERS = 65_533;

/**
 * Statements in flight at once on the transaction's connection. postgres.js pipelines up to
 * 100 (max_pipeline) and slows to a crawl past that; awaiting chunks below it keeps the pipe full.
 */
export const PIPELINE_CHUNK = 90;

export async function runBatch(
  tx: DriverHandle,
  text: string,
  pgText: string,
  rows: readonly (readonly unknown[])[],
  prepare: boolean,
): Promise<number> {
  const plan = planMultiRowInsert(text);
  return plan ? runMultiRow(tx, plan, rows) : runPipelined(tx, pgText, rows, prepare);
}

function runMultiRow(
  tx: DriverHandle,
  plan: MultiRowInsert,
  rows: readonly (readonly unknown[])[],
): Promise<number> {
  const perChunk = Math.max(1, Math.floor(MAX_PARAMETERS / plan.markersPerRow));
  const fullText = rows.length >= perChunk ? renderMultiRowInsert(plan, perChunk) : "";
  // Unnamed statements: chunk texts are one-offs that would only fill the statement cache.
  return sendChunks(multiRowChunks(plan, rows, perChunk, fullText), async ({ text, values }) => {
    const result = await tx.unsafe(text, values, { prepare: false, simple: false });
    return result.count ?? 0;
  });
}

function* multiRowChunks(
  plan: MultiRowInsert,
  rows: readonly (readonly unknown[])[],
  perChunk: number,
  fullText: string,
): Generator<{ text: string; values: unknown[] }> {
  for (let start = 0; start < rows.length; start += perChunk) {
    const chunk = rows.slice(start, start + perChunk);
    const text = chunk.length === perChunk ? fullText : renderMultiRowInsert(plan, chunk.length);
    const values = new Array<unknown>(chunk.length * plan.markersPerRow);
    let k = 0;
    for (const row of chunk) for (const v of row) values[k++] = v;
    yield { text, values };
  }
}

async function runPipelined(
  tx: DriverHandle,
  text: string,
  rows: readonly (readonly unknown[])[],
  prepare: boolean,
): Promise<number> {
  let count = 0;
  for (let start = 0; start < rows.length; start += PIPELINE_CHUNK) {
    const chunk = rows.slice(start, start + PIPELINE_CHUNK);
    const results = await Promise.all(
      chunk.map((row) => tx.unsafe(text, [...row], { prepare, simple: false })),
    );
    for (const r of results) count += r.count ?? 0;
  }
  return count;
}
