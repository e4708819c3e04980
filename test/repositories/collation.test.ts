/*
 * Production PostgreSQL databases often sort text by a locale (case-insensitive first pass),
 * while SQLite sorts by bytes. The test server's default collation is C, which would hide the
 * difference, so this suite makes its own database with an ICU en-US collation.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { DatabaseBackend } from "../../src/backends/database-backend.ts";
import { createRepositories, type Repositories } from "../../src/repositories/index.ts";
import { adminClient, databaseUrl, describePostgres } from "../support/postgres.ts";
import { finding, scan } from "./fixtures.ts";
import { openPostgres } from "./harness.ts";

const IDS_IN_BYTE_ORDER = ["A-2", "B-1", "a-1", "b-2"];

describePostgres("Ordering under a locale collation (PostgreSQL, ICU en-US)", () => {
  const name = `malwar_icu_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  let db: DatabaseBackend | undefined;
  let repos: Repositories;
  beforeAll(async () => {
    const admin = adminClient();
    try {
      await admin.unsafe(
        `CREATE DATABASE "${name}" TEMPLATE template0 ENCODING 'UTF8' LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'`,
      );
    } finally {
      await admin.end({ timeout: 2 });
    }
    db = await openPostgres(databaseUrl(name));
    repos = createRepositories(db);
  });
  afterAll(async () => {
    await db?.close();
    const admin = adminClient();
    try {
      await admin.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    } finally {
      await admin.end({ timeout: 2 });
    }
  });

  test("the database really sorts by locale (so the checks below can fail)", async () => {
    const rows = await (db as DatabaseBackend).fetchAll<{ v: string }>(
      "SELECT v FROM (VALUES ('a-1'), ('B-1'), ('A-2'), ('b-2')) AS t(v) ORDER BY v",
    );
    expect(rows.map((r) => r.v)).not.toEqual(IDS_IN_BYTE_ORDER);
  });

  test("findings, signatures and scans are still listed in byte order of their ids", async () => {
    const shuffled = ["b-2", "A-2", "a-1", "B-1"];
    const saved = await repos.scans.saveScan(
      scan("icu-scan", { findings: shuffled.map((id) => finding(id, { severity: "high" })) }),
    );
    expect(saved.findings.map((f) => f.id)).toEqual(IDS_IN_BYTE_ORDER);
    expect((await repos.scans.getScanWithDetails("icu-scan"))?.findings.map((f) => f.id)).toEqual(
      IDS_IN_BYTE_ORDER,
    );
    expect((await repos.findings.listByScan("icu-scan")).map((f) => f.id)).toEqual(IDS_IN_BYTE_ORDER);
    for (const id of shuffled) {
      await repos.signatures.create({
        id: `icu-${id}`,
        name: "icu",
        description: "d",
        severity: "low",
        category: "typosquatting",
        pattern_type: "exact",
        pattern_value: "x",
      });
    }
    const listed = await repos.signatures.list({ search: "icu", limit: 500 });
    expect(listed.map((s) => s.id)).toEqual(IDS_IN_BYTE_ORDER.map((id) => `icu-${id}`));
    const at = new Date("2031-01-01T00:00:00Z");
    for (const id of shuffled) await repos.scans.create({ id: `icu-s-${id}`, target: "t", created_at: at });
    const recent = (await repos.scans.listRecent({ limit: 500 })).filter((s) => s.id.startsWith("icu-s-"));
    expect(recent.map((s) => s.id)).toEqual([...IDS_IN_BYTE_ORDER].reverse().map((id) => `icu-s-${id}`));
  });
});
