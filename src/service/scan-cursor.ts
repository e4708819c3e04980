import type { ScanCursor } from "../repositories/index.ts";
import { decodeKeyset, encodeKeyset } from "./keyset-cursor.ts";

/** GET /scans' cursor: the last scan's created_at and id. */
export function encodeCursor(cursor: ScanCursor): string {
  return encodeKeyset(cursor.created_at, cursor.id);
}

export function decodeCursor(text: string): ScanCursor | null {
  const key = decodeKeyset(text);
  // A scan id never holds NUL (the repositories refuse it), so no such cursor was handed out.
  return key === null || key[1].includes("\0") ? null : { created_at: key[0], id: key[1] };
}
