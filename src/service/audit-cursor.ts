import type { AuditCursor } from "../repositories/index.ts";

/*
 * GET /audit cursors are opaque to clients: base64url of the last entry's sort key. Nothing in
 * them is trusted: a decoded cursor is only a position, checked like any other input.
 */
export function encodeAuditCursor(cursor: AuditCursor): string {
  return Buffer.from(JSON.stringify([cursor.timestamp, cursor.event_id]), "utf8").toString("base64url");
}

/** Null for anything this service did not hand out (the request schema reports it as a field). */
export function decodeAuditCursor(text: string): AuditCursor | null {
  if (!/^[A-Za-z0-9_-]{1,1024}$/.test(text)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
  } catch {
    return null;
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) return null;
  const [timestamp, eventId] = parsed as unknown[];
  if (typeof timestamp !== "string" || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(timestamp))
    return null;
  if (Number.isNaN(Date.parse(timestamp))) return null;
  if (
    typeof eventId !== "string" ||
    eventId.length === 0 ||
    eventId.length > 255 ||
    !eventId.isWellFormed()
  ) {
    return null;
  }
  return { timestamp, event_id: eventId };
}
