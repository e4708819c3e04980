import type { BackendCapabilities, DatabaseBackend } from "../backends/index.ts";
import { type SqlQuery, sql } from "../sql/index.ts";

/*
 * SQL pieces a repository takes from the backend's capabilities rather than spelling them for
 * one database. Capabilities are one constant object per backend, so what is built from them is
 * built once per backend and kept.
 */

const byteOrders = new WeakMap<BackendCapabilities, SqlQuery>();

/** The backend's byte-order COLLATE clause, for `sql` templates: one order of ids everywhere. */
export function byteOrder(db: DatabaseBackend): SqlQuery {
  const capabilities = db.capabilities;
  let fragment = byteOrders.get(capabilities);
  if (fragment === undefined) {
    fragment = sql.unsafe(capabilities.byteOrder);
    byteOrders.set(capabilities, fragment);
  }
  return fragment;
}

/**
 * Builds a value (typically a query text with `?` markers) once per backend kind. Hot reads use
 * these instead of nesting fragments into `sql` templates, which would be re-rendered every call.
 */
export function perBackend<T>(build: (capabilities: BackendCapabilities) => T): (db: DatabaseBackend) => T {
  const built = new WeakMap<BackendCapabilities, T>();
  return (db) => {
    const capabilities = db.capabilities;
    let value = built.get(capabilities);
    if (value === undefined) {
      value = build(capabilities);
      built.set(capabilities, value);
    }
    return value;
  };
}
