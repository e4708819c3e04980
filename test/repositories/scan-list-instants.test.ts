/*
 * Lists of scans on PostgreSQL read created_at as the column's text (capabilities.instantText)
 * rather than as a Date: what they hand out must be exactly what a read by id gives, for every
 * form the column's text takes (whole seconds, a fraction with its trailing zeros dropped,
 * microseconds from another writer's NOW()), and the order must stay the column's own.
 */
import { beforeAll, expect, test } from "bun:test";
import { createRepositories } from "../../src/repositories/index.ts";
import { adminClient, describePostgres } from "../support/postgres.ts";
import { scan } from "./fixtures.ts";
import { ISO_UTC, openPostgres, uid } from "./harness.ts";

describePostgres("scan lists read created_at as text on PostgreSQL", (testDb) => {
  beforeAll(async () => {
    // A database whose own DateStyle is not ISO: timestamps as text would read "06/05/2031 …".
    const admin = adminClient();
    try {
      await admin.unsafe(`ALTER DATABASE "${testDb().name}" SET datestyle TO 'SQL, DMY'`);
    } finally {
      await admin.end({ timeout: 2 });
    }
  });

  test("every text form reads back as the instant get() gives, newest first", async () => {
    const db = await openPostgres(testDb().url);
    try {
      const repos = createRepositories(db);
      expect(db.capabilities.instantText?.("created_at")).toBe("created_at::text");
      expect(await db.fetchOne("SELECT current_setting('DateStyle') AS style")).toEqual({
        style: "ISO, MDY",
      });
      const base = uid("list-instant");
      // Stored texts "…:05", "…:04.5", "…:03.12", "…:02.123", "…:01.1234", "…:00.123456".
      const stamps = [
        "2031-05-06 07:08:05",
        "2031-05-06 07:08:04.5",
        "2031-05-06 07:08:03.12",
        "2031-05-06 07:08:02.123",
        "2031-05-06 07:08:01.1234",
        "2031-05-06 07:08:00.123456",
      ];
      const ids = stamps.map((_, k) => `${base}-${k}`);
      for (const id of ids) await repos.scans.create(scan(id, { verdict: "SUSPICIOUS" }));
      // Written behind the repositories' back, as another writer would: microsecond precision.
      for (const [k, id] of ids.entries()) {
        await db.execute("UPDATE scans SET created_at = ?::timestamp WHERE id = ?", [
          stamps[k] as string,
          id,
        ]);
      }
      const texts = await db.fetchAll<{ t: string }>(
        `SELECT created_at::text AS t FROM scans WHERE id LIKE ? ORDER BY created_at DESC`,
        [`${base}-%`],
      );
      expect(texts.map((r) => r.t)).toEqual(stamps);

      const expected = ["05.000", "04.500", "03.120", "02.123", "01.123", "00.123"].map(
        (s) => `2031-05-06T07:08:${s}Z`,
      );
      const unfiltered = (await repos.scans.listRecent({ limit: 50 })).filter((s) => s.id.startsWith(base));
      const filtered = (await repos.scans.listRecent({ verdict: "SUSPICIOUS", limit: 50 })).filter((s) =>
        s.id.startsWith(base),
      );
      for (const list of [unfiltered, filtered]) {
        expect(list.map((s) => s.id)).toEqual(ids);
        expect(list.map((s) => s.created_at)).toEqual(expected);
        for (const s of list) {
          expect(s.created_at).toMatch(ISO_UTC);
          expect(s).toEqual((await repos.scans.get(s.id)) as never);
        }
      }
    } finally {
      await db.close();
    }
  });
});
