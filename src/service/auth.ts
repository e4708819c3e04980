import { HttpError } from "./http-error.ts";
import type { KeyStateFreshness, ReadToken } from "./key-state.ts";
import { isRole, type Permission, type Role, roleAllows } from "./permissions.ts";

export const API_KEY_HEADER = "x-api-key";

/** Who is calling: a key's name and role, or "anonymous" while the service is open. */
export interface Principal {
  actor: string;
  role: Role;
  /** The key's id (never the key itself), for api_usage. */
  keyId: string | null;
}

/** What authentication needs from key storage. */
export interface VerifiedKey {
  id: string;
  name: string;
  role: string;
}

export interface KeyVerifier {
  verify(rawKey: string): Promise<VerifiedKey | null>;
  countActive(): Promise<number>;
}

/** Answers "is the service open?" for a request that presented no valid key. */
export interface OpenModeCheck {
  isOpen(): Promise<boolean>;
}

export const ANONYMOUS: Principal = Object.freeze({ actor: "anonymous", role: "admin", keyId: null });

/**
 * Open mode is decided by counting active keys. A key created or revoked by `bun run keys` in
 * another process (or through the backend in this one) must take effect on the next request.
 *
 * A count is kept and served again only while `freshness` says no key can have changed since it
 * was read (a live change listener on PostgreSQL; see key-state.ts). Otherwise each request waits
 * for a count, but what is shared is the count itself: a request only ever joins a count that
 * has not started yet, never one already running (that one may have read the table before a key
 * committed just before the request arrived). Requests arriving in the same event-loop turn, or
 * while a count runs, wait together for the next one, so one query answers a whole batch of
 * requests, and every answer still reflects the table as it was after its request arrived.
 */
export function openModeCheck(
  keys: Pick<KeyVerifier, "countActive">,
  freshness: KeyStateFreshness | null = null,
): OpenModeCheck {
  let waiting: PromiseWithResolvers<boolean> | null = null;
  let counting = false;
  let kept: { token: ReadToken; answer: Promise<boolean> } | null = null;
  const run = (): void => {
    const batch = waiting;
    if (batch === null) return;
    waiting = null;
    counting = true;
    const token = freshness?.begin() ?? null;
    keys.countActive().then(
      (n) => {
        counting = false;
        if (token !== null) kept = { token, answer: Promise.resolve(n === 0) };
        batch.resolve(n === 0);
        run();
      },
      (error: unknown) => {
        counting = false;
        batch.reject(error);
        run();
      },
    );
  };
  return {
    isOpen() {
      if (kept !== null && freshness?.holds(kept.token)) return kept.answer;
      kept = null;
      if (waiting === null) {
        waiting = Promise.withResolvers<boolean>();
        // A running count ends by starting the next one; otherwise start once this turn's
        // requests have had their chance to join.
        if (!counting) setImmediate(run);
      }
      return waiting.promise;
    },
  };
}

/** Verified keys kept at most; past this the cache starts over (bounded memory, whatever callers send). */
const MAX_KEPT_KEYS = 1_000;

/**
 * Keeps keys that verified, under the same rule as open-mode counts (`freshness`), so a request
 * with a valid key reads nothing while no key has changed. A revocation is a change and empties
 * it. Keys that did not verify are never kept: a caller sending random keys cannot grow it, and a
 * key created a moment later is found on its first use.
 */
export function keptKeyVerifier(keys: KeyVerifier, freshness: KeyStateFreshness | null): KeyVerifier {
  if (freshness === null) return keys;
  let kept = new Map<string, { token: ReadToken; key: VerifiedKey }>();
  return {
    countActive: () => keys.countActive(),
    async verify(rawKey) {
      const hit = kept.get(rawKey);
      if (hit !== undefined && freshness.holds(hit.token)) return hit.key;
      const token = freshness.begin();
      const key = await keys.verify(rawKey);
      if (key === null || token === null) {
        kept.delete(rawKey);
        return key;
      }
      if (kept.size >= MAX_KEPT_KEYS) kept = new Map();
      kept.set(rawKey, { token, key });
      return key;
    },
  };
}

/**
 * Open mode lasts exactly while no active key exists (see `openModeCheck`). A key that verifies
 * decides alone, so such requests never count keys. A key that does not verify while keys exist
 * is a 401 (never a silent downgrade to anonymous).
 */
export async function authenticate(req: Request, keys: KeyVerifier, open: OpenModeCheck): Promise<Principal> {
  const raw = req.headers.get(API_KEY_HEADER)?.trim() ?? "";
  if (raw !== "") {
    const key = await keys.verify(raw);
    if (key !== null && isRole(key.role)) return { actor: key.name, role: key.role, keyId: key.id };
  }
  if (await open.isOpen()) return ANONYMOUS;
  throw new HttpError(
    401,
    "UNAUTHORIZED",
    raw === "" ? "An API key is required (X-API-Key header)." : "The API key is not valid.",
    { "www-authenticate": 'ApiKey header="X-API-Key"' },
  );
}

export function authorize(principal: Principal, permission: Permission): void {
  if (!roleAllows(principal.role, permission)) {
    throw new HttpError(403, "FORBIDDEN", `Role '${principal.role}' may not do this (needs ${permission}).`);
  }
}
