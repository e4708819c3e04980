import type { AuditCursor } from "../repositories/index.ts";
import { decodeKeyset, encodeKeyset } from "./keyset-cursor.ts";

/** GET /audit's cursor: the last entry's timestamp and event_id. */
export function encodeAuditCursor(cursor: AuditCursor): string {
  return encodeKeyset(cursor.timestamp, cursor.event_id);
}

/** Null for anything this service did not hand out (the request schema reports it as a field). */
export function decodeAuditCursor(text: string): AuditCursor | null {
  const key = decodeKeyset(text, 1024);
  return key === null ? null : { timestamp: key[0], event_id: key[1] };
}
