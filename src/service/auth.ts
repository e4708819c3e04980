import { HttpError } from "./http-error.ts";
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
export interface KeyVerifier {
  verify(rawKey: string): Promise<{ id: string; name: string; role: string } | null>;
  countActive(): Promise<number>;
}

export const ANONYMOUS: Principal = Object.freeze({ actor: "anonymous", role: "admin", keyId: null });

/**
 * Open mode lasts exactly while no active key exists, checked on each request rather than cached:
 * a key created by `bun run keys` in another process, or revoked there, takes effect at once.
 * A key that does not verify while keys exist is a 401 (never a silent downgrade to anonymous).
 */
export async function authenticate(req: Request, keys: KeyVerifier): Promise<Principal> {
  const raw = req.headers.get(API_KEY_HEADER)?.trim() ?? "";
  if (raw !== "") {
    const key = await keys.verify(raw);
    if (key !== null && isRole(key.role)) return { actor: key.name, role: key.role, keyId: key.id };
  }
  if ((await keys.countActive()) === 0) return ANONYMOUS;
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
