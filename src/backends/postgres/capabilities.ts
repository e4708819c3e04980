/* What a repository may ask of PostgreSQL (the contract's `capabilities`). */
import type { BackendCapabilities } from "../database-backend.ts";

export const CAPABILITIES: BackendCapabilities = Object.freeze({
  byteOrder: 'COLLATE "C"',
  // One round trip and one snapshot for a row and its children, aggregated on the server.
  jsonRowsArray: (alias: string, orderBy: string) =>
    `COALESCE(json_agg(${alias} ORDER BY ${orderBy}), '[]')::text`,
  pooled: true,
  // timestamp_out's own text (the same function that makes the text the driver would parse):
  // a list of 50 scans otherwise builds 50 Dates only to format each back into a string.
  instantText: (column: string) => `${column}::text`,
});
