import { expect, test } from "bun:test";
import { ValidationError } from "../../src/errors/index.ts";
import { API_KEY_PREFIX, type ApiKey } from "../../src/repositories/index.ts";
import { rejectionOf } from "../support/rejection.ts";
import { countRows, describeEachBackend, ISO_UTC, uid } from "./harness.ts";

function sha256Hex(text: string): string {
  return new Bun.CryptoHasher("sha256").update(text).digest("hex");
}

describeEachBackend("ApiKeyRepository", (ctx) => {
  test("create returns the raw key once and stores only its hash", async () => {
    const { repos, db } = ctx();
    const { key, record } = await repos.apiKeys.create({ name: "ci", role: "analyst" });
    expect(key.startsWith(API_KEY_PREFIX)).toBe(true);
    expect(key.length).toBeGreaterThan(40);
    expect(record).toMatchObject({ name: "ci", role: "analyst", is_active: true, last_used: null });
    expect(record.created_at).toMatch(ISO_UTC);
    expect(Object.keys(record)).not.toContain("key_hash");
    const stored = await db.fetchOne<Record<string, unknown>>("SELECT * FROM api_keys WHERE id = ?", [
      record.id,
    ]);
    expect(stored?.key_hash).toBe(sha256Hex(key));
    expect(Object.values(stored ?? {})).not.toContain(key);
    const second = await repos.apiKeys.create({ name: "ci" });
    expect(second.key).not.toBe(key);
    expect(second.record.role).toBe("scanner");
  });

  test("verify accepts the key, refuses anything else", async () => {
    const { repos } = ctx();
    const { key, record } = await repos.apiKeys.create({ name: uid("k"), role: "admin" });
    expect(await repos.apiKeys.verify(key)).toEqual(record);
    const flipped = key.slice(0, -1) + (key.endsWith("A") ? "B" : "A");
    expect(await repos.apiKeys.verify(flipped)).toBeNull();
    expect(await repos.apiKeys.verify("")).toBeNull();
    expect(await repos.apiKeys.verify(`${key} `)).toBeNull();
    expect(await repos.apiKeys.verify("x".repeat(10_000))).toBeNull();
    // The stored hash itself is not a key.
    expect(await repos.apiKeys.verify(sha256Hex(key))).toBeNull();
  });

  test("revoke deactivates: verify refuses, countActive drops, the key stays listed", async () => {
    const { repos } = ctx();
    const before = await repos.apiKeys.countActive();
    const { key, record } = await repos.apiKeys.create({ name: uid("k"), role: "readonly" });
    expect(await repos.apiKeys.countActive()).toBe(before + 1);
    expect(await repos.apiKeys.revoke(record.id)).toBe(true);
    expect(await repos.apiKeys.verify(key)).toBeNull();
    expect(await repos.apiKeys.countActive()).toBe(before);
    expect((await repos.apiKeys.get(record.id))?.is_active).toBe(false);
    expect((await repos.apiKeys.list()).find((k) => k.id === record.id)?.is_active).toBe(false);
    expect((await repos.apiKeys.list({ activeOnly: true })).some((k) => k.id === record.id)).toBe(false);
    expect(await repos.apiKeys.revoke("no-such-key")).toBe(false);
  });

  test("revokeKey tells revoked, already revoked and unknown apart; of two at once exactly one revokes", async () => {
    const { repos } = ctx();
    const { key, record } = await repos.apiKeys.create({ name: uid("k"), role: "scanner" });
    const first = await repos.apiKeys.revokeKey(record.id);
    expect(first.outcome).toBe("revoked");
    expect(first.key).toMatchObject({ id: record.id, is_active: false });
    expect(await repos.apiKeys.verify(key)).toBeNull();
    const second = await repos.apiKeys.revokeKey(record.id);
    expect(second).toEqual({ outcome: "already_revoked", key: first.key as ApiKey });
    expect(await repos.apiKeys.revokeKey("no-such-key")).toEqual({ outcome: "not_found", key: null });
    expect(await rejectionOf(repos.apiKeys.revokeKey(""))).toBeInstanceOf(ValidationError);

    const other = await repos.apiKeys.create({ name: uid("k"), role: "scanner" });
    const both = await Promise.all([
      repos.apiKeys.revokeKey(other.record.id),
      repos.apiKeys.revokeKey(other.record.id),
    ]);
    expect(both.map((r) => r.outcome).sort()).toEqual(["already_revoked", "revoked"]);
  });

  test("touchLastUsed stamps last_used", async () => {
    const { repos } = ctx();
    const { key, record } = await repos.apiKeys.create({ name: uid("k") });
    await repos.apiKeys.touchLastUsed(record.id, "2026-03-01T12:00:00.250Z");
    expect((await repos.apiKeys.verify(key))?.last_used).toBe("2026-03-01T12:00:00.250Z");
  });

  test("an unknown role is a ValidationError on role, nothing written", async () => {
    const { repos, db } = ctx();
    const before = await countRows(db, "api_keys");
    const error = await rejectionOf(repos.apiKeys.create({ name: "x", role: "root" as never }));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe("role");
    expect(await countRows(db, "api_keys")).toBe(before);
  });
});
