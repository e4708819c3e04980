/*
 * Where a statement meets the driver. postgres.js's `unsafe` gives a lazy query whose rows are
 * objects unless `values()` is called on it before it is awaited; `options.arrays` asks for that
 * form. This backend's own handles (ReservedTransaction) honour the flag themselves and hand back
 * a plain promise, which has no `values` to call.
 */
import type { DriverHandle, DriverQueryOptions, DriverResult } from "./driver-types.ts";

interface LazyQuery extends Promise<DriverResult> {
  values?: () => Promise<DriverResult>;
}

export function sendQuery(
  handle: DriverHandle,
  text: string,
  params: unknown[],
  options: DriverQueryOptions | undefined,
): Promise<DriverResult> {
  const query = handle.unsafe(text, params, options) as LazyQuery;
  return options?.arrays === true && typeof query.values === "function" ? query.values() : query;
}
