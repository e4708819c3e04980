/*
 * Keyset cursors are opaque to clients: base64url of the last row's sort key, an instant and an
 * id. Nothing in them is trusted: a decoded cursor is only a position, checked like any other
 * input. Each listing's cursor (scan-cursor.ts, audit-cursor.ts) names its two fields.
 */

const INSTANT = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

export function encodeKeyset(instant: string, id: string): string {
  return Buffer.from(JSON.stringify([instant, id]), "utf8").toString("base64url");
}

/** `[instant, id]` of a cursor this service could have handed out, or null. */
export function decodeKeyset(text: string, maxChars = Number.POSITIVE_INFINITY): [string, string] | null {
  if (text.length > maxChars || !/^[A-Za-z0-9_-]+$/.test(text)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
  } catch {
    return null;
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) return null;
  const [instant, id] = parsed as unknown[];
  if (typeof instant !== "string" || !INSTANT.test(instant) || Number.isNaN(Date.parse(instant))) return null;
  if (typeof id !== "string" || id.length === 0 || id.length > 255 || !id.isWellFormed()) return null;
  return [instant, id];
}
