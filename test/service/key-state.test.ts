/**
 * Answers about keys (open mode, verified keys) kept while a live listener says nothing changed:
 * on the real PostgreSQL, with keys changed by `bun run keys` in another process, by this process,
 * and by plain SQL that signals nothing. A clock held still shows that it is the signal, not the
 * answers' age, that ends a kept answer.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { ChangeWatch, DatabaseBackend } from "../../src/backends/database-backend.ts";
import { ApiKeyRepository, KEY_CHANGES_CHANNEL } from "../../src/repositories/index.ts";
import { keptKeyVerifier, openModeCheck } from "../../src/service/auth.ts";
import { startService } from "../../src/service/index.ts";
import { KEY_ANSWER_MAX_AGE_MS, KeyStateFreshness } from "../../src/service/key-state.ts";
import { openPool, uniqueAppName, waitFor } from "../backends/postgres-support.ts";
import { captureLog } from "../support/capture-log.ts";
import { adminClient, describePostgres } from "../support/postgres.ts";
import { makeTempDir } from "../support/temp-dir.ts";
import { openPostgres, openSqlite } from "./support/backends.ts";
import { runCli } from "./support/cli-process.ts";

/** The repository with its reads counted: what a kept answer saves is a read. */
function countingKeys(repo: ApiKeyRepository) {
  const calls = { count: 0, verify: 0 };
  return {
    calls,
    countActive: () => {
      calls.count++;
      return repo.countActive();
    },
    verify: (raw: string) => {
      calls.verify++;
      return repo.verify(raw);
    },
  };
}

describePostgres("key answers kept on PostgreSQL", (getDb) => {
  let backend: DatabaseBackend;
  let repo: ApiKeyRepository;
  let watch: ChangeWatch | null;
  let now = 1_000_000;
  const freshness = new KeyStateFreshness(() => now);
  let signals = 0;
  const cli = (...args: string[]) =>
    runCli("src/cli/keys.ts", args, { MALWAR_DB_BACKEND: "postgres", MALWAR_POSTGRES_URL: getDb().url });
  /**
   * Runs a key command in another process and waits for its NOTIFY to reach this one: the
   * child's exit and the notification are separate events, in no fixed order on a loaded machine.
   */
  const cliAndSignal = async (...args: string[]) => {
    const before = signals;
    const result = await cli(...args);
    if (result.code === 0) {
      await waitFor(
        async () => signals - before,
        (n) => n >= 1,
      );
    }
    return result;
  };

  beforeAll(async () => {
    backend = await openPostgres(getDb().url);
    repo = new ApiKeyRepository(backend);
    watch = backend.watchChanges(KEY_CHANGES_CHANNEL, {
      onChange: () => {
        signals++;
        freshness.onChange();
      },
      onLive: () => freshness.onLive(),
      onLost: () => freshness.onLost(),
    });
    await waitFor(
      async () => freshness.live,
      (live) => live,
    );
  });
  afterAll(async () => {
    await watch?.close();
    await backend.close();
  });

  test("open mode: one count answers every request until a key is made in another process", async () => {
    const keys = countingKeys(repo);
    const open = openModeCheck(keys, freshness);
    for (let i = 0; i < 20; i++) expect(await open.isOpen()).toBe(true);
    expect(keys.calls.count).toBe(1);

    const made = await cliAndSignal("create", "--name", "other-process", "--role", "scanner");
    expect(made.code).toBe(0);
    // The very next request, with the clock held still: only the signal can have ended the answer.
    expect(await open.isOpen()).toBe(false);
    expect(keys.calls.count).toBe(2);
    for (let i = 0; i < 5; i++) expect(await open.isOpen()).toBe(false);
    expect(keys.calls.count).toBe(2);

    const id = /created API key (\S+)/.exec(made.stdout)?.[1] ?? "";
    expect((await cliAndSignal("revoke", id)).code).toBe(0);
    expect(await open.isOpen()).toBe(true);
    expect(keys.calls.count).toBe(3);
  });

  test("a key made by this process ends kept answers as soon as the write returns", async () => {
    const keys = countingKeys(repo);
    const open = openModeCheck(keys, freshness);
    const before = signals;
    expect(await open.isOpen()).toBe(true);
    const { record } = await repo.create({ name: "same-process" });
    expect(await open.isOpen()).toBe(false);
    await repo.revoke(record.id);
    expect(await open.isOpen()).toBe(true);
    expect(keys.calls.count).toBe(3);
    // Both writes' NOTIFYs arrive after the local announcements: let them land here, not in the
    // next test (where a late one would end an answer that test expects to be kept).
    await waitFor(
      async () => signals - before,
      (n) => n >= 4,
    );
  });

  test("a verified key is kept until a revocation anywhere; a rejected key is never kept", async () => {
    const keys = countingKeys(repo);
    const verifier = keptKeyVerifier(keys, freshness);
    const before = signals;
    const { key, record } = await repo.create({ name: "kept", role: "analyst" });
    // Announced twice: here when the write returned, then by NOTIFY through the listener.
    await waitFor(
      async () => signals - before,
      (n) => n === 2,
    );
    for (let i = 0; i < 10; i++) expect((await verifier.verify(key))?.id).toBe(record.id);
    expect(keys.calls.verify).toBe(1);
    for (let i = 0; i < 3; i++) expect(await verifier.verify("mlw_not-a-key")).toBeNull();
    expect(keys.calls.verify).toBe(4);

    expect((await cliAndSignal("revoke", record.id)).code).toBe(0);
    expect(await verifier.verify(key)).toBeNull();
    expect(keys.calls.verify).toBe(5);
  });

  test("a writer that signals nothing (plain SQL) is seen once a kept answer's age runs out", async () => {
    const keys = countingKeys(repo);
    const open = openModeCheck(keys, freshness);
    expect(await open.isOpen()).toBe(true);
    await backend.execute("INSERT INTO api_keys (id, key_hash, name, role) VALUES (?, ?, ?, ?)", [
      "plain-sql",
      "0".repeat(64),
      "psql",
      "readonly",
    ]);
    // Kept: nothing announced the insert.
    expect(await open.isOpen()).toBe(true);
    now += KEY_ANSWER_MAX_AGE_MS;
    expect(await open.isOpen()).toBe(false);
    expect(keys.calls.count).toBe(2);
    await backend.execute("DELETE FROM api_keys WHERE id = ?", ["plain-sql"]);
    now += KEY_ANSWER_MAX_AGE_MS;
    expect(await open.isOpen()).toBe(true);
  });

  test("nothing is kept while the listening connection is gone", async () => {
    const keys = countingKeys(repo);
    const open = openModeCheck(keys, freshness);
    expect(await open.isOpen()).toBe(true);
    freshness.onLost();
    for (let i = 0; i < 3; i++) expect(await open.isOpen()).toBe(true);
    expect(keys.calls.count).toBe(4);
    freshness.onLive();
    expect(await open.isOpen()).toBe(true);
    expect(await open.isOpen()).toBe(true);
    expect(keys.calls.count).toBe(5);
  });
});

describePostgres("a service that cannot start", (getDb) => {
  test("leaves no key listener behind on the caller's backend when its port is taken", async () => {
    const app = uniqueAppName("svc_port");
    const db = await openPool(getDb().url, { min: 1, max: 3, applicationName: app });
    const taken = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("") });
    const admin = adminClient();
    try {
      expect(() =>
        startService({ backend: db, host: "127.0.0.1", port: taken.port, logger: captureLog().logger }),
      ).toThrow();
      const connections = async () =>
        (
          (
            await admin`select count(*)::int as n from pg_stat_activity where application_name = ${app}`
          )[0] as {
            n: number;
          }
        ).n;
      // Only the pool's kept connection remains, and the listener's slot is free again.
      await waitFor(connections, (n) => n === 1);
      await Bun.sleep(1_500);
      expect(await connections()).toBe(1);
      expect(db.poolStats().open).toBe(1);
      expect(db.watchChanges(KEY_CHANGES_CHANNEL, new KeyStateFreshness())).not.toBeNull();
    } finally {
      await taken.stop(true);
      await admin.end({ timeout: 2 });
      await db.close();
    }
  });
});

describe("key answers on SQLite", () => {
  const dir = makeTempDir("malwar-keystate-");
  afterAll(() => dir.cleanup());

  test("no listener: every request that needs an answer reads it", async () => {
    const backend = await openSqlite(dir.file("keys.db"));
    try {
      expect(backend.watchChanges(KEY_CHANGES_CHANNEL, new KeyStateFreshness())).toBeNull();
      const repo = new ApiKeyRepository(backend);
      const keys = countingKeys(repo);
      const open = openModeCheck(keys, null);
      for (let i = 0; i < 5; i++) expect(await open.isOpen()).toBe(true);
      expect(keys.calls.count).toBe(5);
      const { key } = await repo.create({ name: "k" });
      expect(await open.isOpen()).toBe(false);
      const verifier = keptKeyVerifier(keys, null);
      for (let i = 0; i < 3; i++) expect(await verifier.verify(key)).not.toBeNull();
      expect(keys.calls.verify).toBe(3);
    } finally {
      await backend.close();
    }
  });
});
