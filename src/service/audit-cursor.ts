import type { AuditCursor } from "../repositories/index.ts";
import { badRequest } from "./http-error.ts";

/*
 * GET /audit cursors are opaque to clients: base64url of the last entry's sort key. Nothing in
 * them is trusted: a decoded cursor is only a position, checked like any other input.
 */
export function encodeAuditCursor(cursor: AuditCursor): string {
  return Buffer.from(JSON.stringify([cursor.timestamp, cursor.event_id]), "utf8").toString("base64url");
}

export function decodeAuditCursor(text: string): AuditCursor {
  const refuse = () => badRequest("cursor: not a cursor this service handed out (use next_cursor as given)");
  if (!/^[A-Za-z0-9_-]{1,1024}$/.test(text)) throw refuse();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
  } catch {
    throw refuse();
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) throw refuse();
  const [timestamp, eventId] = parsed as unknown[];
  if (typeof timestamp !== "string" || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(timestamp))
    throw refuse();
  if (Number.isNaN(Date.parse(timestamp))) throw refuse();
  if (
    typeof eventId !== "string" ||
    eventId.length === 0 ||
    eventId.length > 255 ||
    !eventId.isWellFormed()
  ) {
    throw refuse();
  }
  return { timestamp, event_id: eventId };
}
