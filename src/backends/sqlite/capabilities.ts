/* What a repository may ask of SQLite (the contract's `capabilities`). */
import type { BackendCapabilities } from "../database-backend.ts";

export const CAPABILITIES: BackendCapabilities = Object.freeze({
  byteOrder: "COLLATE BINARY",
  // In-process: a few small reads cost less than building and parsing JSON.
  jsonRowsArray: null,
  pooled: false,
});
