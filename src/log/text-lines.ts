/**
 * Turns one pino JSON line into a line a person reads on a terminal:
 * `2026-12-01T08:30:00.123Z INFO  request request_id=… method=GET route=/api/v1/scans status=200`.
 * A field the message already says (`backend=sqlite`, the port in the start-up line's URL) is not
 * repeated.
 */
export function toTextLine(jsonLine: string): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(jsonLine) as Record<string, unknown>;
  } catch {
    return jsonLine.endsWith("\n") ? jsonLine : `${jsonLine}\n`;
  }
  const { time, level, msg, ...fields } = record;
  const message = typeof msg === "string" ? msg : "";
  let line = `${String(time ?? "")} ${String(level ?? "")
    .toUpperCase()
    .padEnd(5)} ${message}`;
  for (const [key, value] of Object.entries(fields)) {
    const rendered = render(value);
    const pair = `${key}=${rendered}`;
    if (message.includes(pair)) continue;
    // A value long enough not to be there by chance (a path, a host, a port) is already said.
    if (rendered.length >= 4 && message.includes(typeof value === "string" ? value : rendered)) continue;
    line += ` ${pair}`;
  }
  return `${line}\n`;
}

function render(value: unknown): string {
  if (typeof value === "string") return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  if (value === null || typeof value !== "object") return String(value);
  return JSON.stringify(value);
}
