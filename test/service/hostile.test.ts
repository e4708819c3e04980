/**
 * The hostile corpus against SQLite and PostgreSQL, then the two sets of answers compared:
 * bad input is the same 4xx on both backends.
 */
import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { describePostgres, postgresReachable } from "../support/postgres.ts";
import { makeTempDir } from "../support/temp-dir.ts";
import { buildCorpus } from "./hostile/corpus.ts";
import { openPostgres, openSqlite } from "./support/backends.ts";
import { type HostileAnswers, hostileSuite, MIN_CORPUS, SEED } from "./support/hostile-suite.ts";

// Per file: Bun applies a preload's default timeout to the first file only (oven-sh/bun#43787).
setDefaultTimeout(120_000);

const answers: { sqlite?: HostileAnswers; postgres?: HostileAnswers } = {};

test("the corpus is deterministic (seeded) and holds at least 5,000 requests", () => {
  const digest = (seed: number) =>
    new Bun.CryptoHasher("sha256")
      .update(
        JSON.stringify(buildCorpus(seed, "x"), (_k, v) =>
          v instanceof Uint8Array ? Buffer.from(v).toString("hex") : v,
        ),
      )
      .digest("hex");
  expect(buildCorpus(SEED, "x").length).toBeGreaterThanOrEqual(MIN_CORPUS);
  expect(digest(SEED)).toBe(digest(SEED));
  expect(digest(SEED + 1)).not.toBe(digest(SEED));
});

describe("hostile requests on SQLite", () => {
  const dir = makeTempDir("malwar-hostile-");
  afterAll(() => dir.cleanup());
  hostileSuite(
    () => openSqlite(dir.file("hostile.db")),
    (a) => {
      answers.sqlite = a;
    },
  );
});

describePostgres("hostile requests on PostgreSQL", (db) => {
  hostileSuite(
    () => openPostgres(db().url),
    (a) => {
      answers.postgres = a;
    },
  );
});

describe("hostile requests on both backends", () => {
  test.skipIf(!postgresReachable)("are answered alike, request by request", () => {
    const { sqlite, postgres } = answers;
    expect(sqlite?.size).toBeGreaterThanOrEqual(5_000);
    expect(postgres?.size).toBe(sqlite?.size as number);
    // Which of several posts of one id gets the 201 and which the 409 is a race between
    // concurrent requests, not a backend's choice; and Bun's HTTP parser answers some broken
    // framing itself, racing the handler.
    const outcome = (status: number | "no answer") => (status === 409 ? 201 : status);
    const differ: string[] = [];
    for (const [index, a] of sqlite ?? []) {
      const b = postgres?.get(index);
      if (a.kind === "raw-http") continue;
      if (b === undefined || outcome(a.status) !== outcome(b.status))
        differ.push(`#${index} ${a.kind}: sqlite ${a.status}, postgres ${b?.status}`);
    }
    expect(differ.slice(0, 20)).toEqual([]);
  });
});
