import { timingSafeEqual } from "node:crypto";
import type { DatabaseBackend, Row } from "../backends/index.ts";
import { ValidationError } from "../errors/index.ts";
import { sql } from "../sql/index.ts";
import { byteOrder } from "./backend-fragments.ts";
import { COLUMN_LIMITS } from "./column-limits.ts";
import {
  API_KEY_ROLES,
  type ApiKeyRole,
  type InstantInput,
  instantIn,
  nonEmptyText,
  oneOf,
} from "./domain.ts";
import { countOf } from "./query-parts.ts";
import { type Instant, rowConverter } from "./row-convert.ts";
import { guardWrite, newId } from "./write-errors.ts";

/** A stored key as handed out: never its hash, never the key itself. */
export interface ApiKey {
  id: string;
  name: string;
  role: ApiKeyRole;
  created_at: Instant;
  last_used: Instant | null;
  is_active: boolean;
}

const apiKeyOut = rowConverter<ApiKey>({
  id: "value",
  name: "value",
  role: "value",
  created_at: "instant",
  last_used: "nullableInstant",
  is_active: "flag",
});

export interface NewApiKey {
  id?: string;
  name: string;
  role?: ApiKeyRole;
}

/**
 * What `revokeKey` found: a key it deactivated now, a key that was already inactive (nothing
 * changed), or no key with that id. Callers report each differently (and audit only "revoked").
 */
export type RevokeResult =
  | { outcome: "revoked"; key: ApiKey }
  | { outcome: "already_revoked"; key: ApiKey }
  | { outcome: "not_found"; key: null };

export interface CreatedApiKey {
  /** The raw key: shown once, stored only as its hash. */
  key: string;
  record: ApiKey;
}

/**
 * Every change to which keys are active, or to a key's role, is announced here when it commits,
 * so a service can keep answers about keys until told otherwise (see the service's key-state.ts).
 */
export const KEY_CHANGES_CHANNEL = "malwar_api_keys";

/** Runs `write` and signals a key change with it, in one transaction (joined when `db` is one). */
function writeAndSignal<T>(db: DatabaseBackend, write: (tx: DatabaseBackend) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    const written = await write(tx);
    await tx.signalChange(KEY_CHANGES_CHANNEL);
    return written;
  });
}

/** Recognisable in logs and secret scanners. */
export const API_KEY_PREFIX = "mlw_";
const KEY_BYTES = 32;
/** Anything longer is not one of ours; refused before hashing. */
const MAX_KEY_LENGTH = 256;

const PUBLIC_COLUMNS = sql.unsafe(apiKeyOut.columns.join(", "));

function sha256(text: string): Buffer {
  return new Bun.CryptoHasher("sha256").update(text).digest() as Buffer;
}

export class ApiKeyRepository {
  constructor(private readonly db: DatabaseBackend) {}

  /** Makes a new random key; the raw key is returned here and nowhere else. */
  async create(input: NewApiKey): Promise<CreatedApiKey> {
    if (input === null || typeof input !== "object")
      throw new ValidationError("api_key", "input must be an object");
    const id = input.id === undefined ? newId() : nonEmptyText("id", input.id, COLUMN_LIMITS.id);
    const name = nonEmptyText("name", input.name, COLUMN_LIMITS.api_keys.name);
    const role = input.role === undefined ? "scanner" : oneOf("role", input.role, API_KEY_ROLES);
    const key =
      API_KEY_PREFIX + Buffer.from(crypto.getRandomValues(new Uint8Array(KEY_BYTES))).toString("base64url");
    const hash = sha256(key).toString("hex");
    const row = await guardWrite(
      () =>
        writeAndSignal(this.db, (db) =>
          db.fetchOne(
            sql`INSERT INTO api_keys (id, key_hash, name, role, is_active) VALUES (${id}, ${hash}, ${name}, ${role}, ${true}) RETURNING ${PUBLIC_COLUMNS}`,
          ),
        ),
      `An API key with id ${id} already exists`,
    );
    return { key, record: apiKeyOut(row as Row) };
  }

  /**
   * The active key matching `rawKey`, or null. Looked up by hash (the raw key is never stored);
   * the final comparison is constant-time so timing says nothing about how close a guess was.
   */
  async verify(rawKey: string): Promise<ApiKey | null> {
    if (typeof rawKey !== "string" || rawKey.length === 0 || rawKey.length > MAX_KEY_LENGTH) return null;
    const digest = sha256(rawKey);
    const row = await this.db.fetchOne(
      sql`SELECT key_hash, ${PUBLIC_COLUMNS} FROM api_keys WHERE key_hash = ${digest.toString("hex")}`,
    );
    if (row === null) return null;
    const stored = Buffer.from(String(row.key_hash), "hex");
    if (stored.length !== digest.length || !timingSafeEqual(stored, digest)) return null;
    const key = apiKeyOut(row);
    return key.is_active ? key : null;
  }

  /** Deactivates the key; false if no such key. Revoked keys stay listed, inactive. */
  async revoke(id: string): Promise<boolean> {
    const { rowCount } = await writeAndSignal(this.db, (db) =>
      db.execute(sql`UPDATE api_keys SET is_active = ${false} WHERE id = ${id}`),
    );
    return rowCount > 0;
  }

  /**
   * Deactivates the key and says what it found. Only an active key is changed (and signalled),
   * so a second revoke of the same key is told apart from the first, also when two run at once:
   * exactly one of them sees "revoked".
   */
  async revokeKey(id: string): Promise<RevokeResult> {
    const keyId = nonEmptyText("id", id, COLUMN_LIMITS.id);
    return this.db.transaction(async (tx) => {
      const { rowCount } = await tx.execute(
        sql`UPDATE api_keys SET is_active = ${false} WHERE id = ${keyId} AND is_active = ${true}`,
      );
      // Only a change is signalled: an already inactive key leaves every kept answer right.
      if (rowCount > 0) await tx.signalChange(KEY_CHANGES_CHANNEL);
      const key = await new ApiKeyRepository(tx).get(keyId);
      if (key === null) return { outcome: "not_found", key: null };
      return { outcome: rowCount > 0 ? "revoked" : "already_revoked", key };
    });
  }

  async touchLastUsed(id: string, at: InstantInput = new Date()): Promise<void> {
    await this.db.execute(
      sql`UPDATE api_keys SET last_used = ${instantIn("last_used", at)} WHERE id = ${id}`,
    );
  }

  async get(id: string): Promise<ApiKey | null> {
    const row = await this.db.fetchOne(sql`SELECT ${PUBLIC_COLUMNS} FROM api_keys WHERE id = ${id}`);
    return row === null ? null : apiKeyOut(row);
  }

  /** Oldest first (then by id); revoked keys included unless `activeOnly`. */
  async list(options: { activeOnly?: boolean } = {}): Promise<ApiKey[]> {
    const filter = options.activeOnly ? sql` WHERE is_active = ${true}` : sql``;
    const rows = await this.db.fetchAll(
      sql`SELECT ${PUBLIC_COLUMNS} FROM api_keys${filter} ORDER BY created_at, id ${byteOrder(this.db)} LIMIT 10000`,
    );
    return apiKeyOut.rows(rows);
  }

  /** The service is open while this is zero. */
  async countActive(): Promise<number> {
    return countOf(this.db, sql`SELECT COUNT(*) AS n FROM api_keys WHERE is_active = ${true}`);
  }
}
