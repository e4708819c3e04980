import type { ScanCursor } from "../repositories/index.ts";

/**
 * Cursors are opaque to clients: base64url of the last scan's sort key. Nothing in them is
 * trusted: a decoded cursor is only a position, checked like any other input.
 */
export function encodeCursor(cursor: ScanCursor): string {
  return Buffer.from(JSON.stringify([cursor.created_at, cursor.id]), "utf8").toString("base64url");
}

export function decodeCursor(text: string): ScanCursor | null {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
  } catch {
    return null;
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) return null;
  const [createdAt, id] = parsed as unknown[];
  if (typeof createdAt !== "string" || typeof id !== "string" || id.length === 0 || id.length > 255)
    return null;
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(createdAt) || Number.isNaN(Date.parse(createdAt)))
    return null;
  if (id.includes("\0") || !id.isWellFormed()) return null;
  return { created_at: createdAt, id };
}
