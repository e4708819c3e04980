import { badRequest, HttpError } from "./http-error.ts";

/** Request bodies above this are refused with 413 (docs/architecture.md). */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Whole-buffer decodes keep no state between calls, so one decoder serves every request. */
const UTF8 = new TextDecoder("utf-8", { fatal: true });

/**
 * The rest of the body is never read, so the connection is closed after the answer: left open,
 * Bun counts the request as still running and a graceful stop waits for it until its deadline.
 */
function tooLarge(limit: number): HttpError {
  return new HttpError(413, "PAYLOAD_TOO_LARGE", `Request body exceeds the limit of ${limit} bytes.`, {
    connection: "close",
  });
}

/**
 * Reads a JSON body without ever holding more than `limit` bytes. Content-Length is checked first
 * so an honest oversized request is refused before reading; the running count catches chunked
 * bodies and a Content-Length that lies.
 */
export async function readJsonBody(req: Request, limit: number = MAX_BODY_BYTES): Promise<unknown> {
  const declared = req.headers.get("content-length");
  let withinDeclared = false;
  if (declared !== null) {
    const length = Number(declared);
    if (Number.isFinite(length) && length > limit) throw tooLarge(limit);
    withinDeclared = Number.isSafeInteger(length) && length >= 0;
  }
  const contentType = req.headers.get("content-type");
  if (contentType !== null && !/^application\/(?:[\w.+-]+\+)?json\b/i.test(contentType.trim())) {
    throw new HttpError(
      415,
      "UNSUPPORTED_MEDIA_TYPE",
      "Request body must be JSON (Content-Type: application/json).",
    );
  }
  const bytes = withinDeclared ? await readWhole(req) : await readLimited(req, limit);
  // Bun's own cap stops a body long before memory matters; this keeps the limit exact anyway.
  if (bytes.length > limit) throw tooLarge(limit);
  if (bytes.length === 0)
    throw badRequest("Request body is empty; a JSON object is expected.", "INVALID_JSON");
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    throw badRequest("Request body is not valid UTF-8.", "INVALID_JSON");
  }
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest("Request body is not valid JSON.", "INVALID_JSON");
  }
}

/**
 * With a Content-Length, the server reads exactly that many bytes (what follows belongs to the
 * next request), so a body at or under the limit can be taken whole, without the chunk-by-chunk
 * count that costs several times as much.
 */
async function readWhole(req: Request): Promise<Uint8Array> {
  try {
    return await req.bytes();
  } catch {
    throw badRequest("Request body could not be read.", "INVALID_BODY");
  }
}

async function readLimited(req: Request, limit: number): Promise<Uint8Array> {
  if (req.body === null) return new Uint8Array(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > limit) {
        await reader.cancel().catch(() => {});
        throw tooLarge(limit);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof HttpError) throw error;
    throw badRequest("Request body could not be read.", "INVALID_BODY");
  } finally {
    reader.releaseLock();
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
