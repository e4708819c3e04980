/**
 * GET /audit at a flat cost: a total counted only up to the cap (total_exact says whether it is
 * exact) and keyset pages through next_cursor that visit every entry once, in order. Per backend.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import type { DatabaseBackend } from "../../src/backends/database-backend.ts";
import { TOTAL_COUNT_CAP } from "../../src/repositories/paging.ts";
import { type RunningService, startService } from "../../src/service/index.ts";
import { createBackend } from "../../src/storage/index.ts";
import { describePostgres } from "../support/postgres.ts";
import { makeTempDir } from "../support/temp-dir.ts";

// Per file: Bun applies a preload's default timeout to the first file only (oven-sh/bun#43787).
setDefaultTimeout(120_000);

const ROWS = TOTAL_COUNT_CAP + 50;
const COLUMNS = [
  "event_id",
  "timestamp",
  "event_type",
  "actor",
  "resource_type",
  "resource_id",
  "action",
  "details",
  "ip_address",
];

interface AuditAnswer {
  entries: { event_id: string; timestamp: string }[];
  count: number;
  total: number;
  total_exact: boolean;
  next_cursor: string | null;
}

function pagingSuite(name: string, open: () => Promise<DatabaseBackend>): void {
  describe(name, () => {
    let db: DatabaseBackend;
    let service: RunningService;
    const get = async (query: string): Promise<{ status: number; body: AuditAnswer }> => {
      const res = await fetch(`${service.url}/api/v1/audit?${query}`);
      return { status: res.status, body: (await res.json()) as AuditAnswer };
    };

    beforeAll(async () => {
      db = await open();
      // Ten entries per second, so many share a timestamp: the cursor must break ties by event_id.
      const base = Date.UTC(2026, 5, 1);
      await db.transaction((tx) =>
        tx.insertRows(
          "audit_log",
          COLUMNS,
          Array.from({ length: ROWS }, (_, i) => ({
            event_id: `e-${String((i * 7919) % ROWS).padStart(6, "0")}`,
            timestamp: new Date(base + Math.floor(i / 10) * 1000)
              .toISOString()
              .replace("T", " ")
              .slice(0, 19),
            event_type: i % 1000 === 0 ? "rare" : "common",
            actor: "test",
            resource_type: "",
            resource_id: "",
            action: "",
            details: "{}",
            ip_address: "",
          })),
        ),
      );
      service = startService({ backend: db, port: 0 });
    });
    afterAll(async () => {
      await service?.stop({ timeoutMs: 2_000 });
      await db?.close();
    });

    test("more rows than the cap: total is the cap and says it is not exact", async () => {
      const { status, body } = await get("limit=5");
      expect(status).toBe(200);
      expect(body).toMatchObject({ count: 5, total: TOTAL_COUNT_CAP, total_exact: false });
    });

    test("a filter matching fewer: the exact count", async () => {
      const { body } = await get("event_type=rare&limit=500");
      expect(body).toMatchObject({ total: Math.ceil(ROWS / 1000), total_exact: true, next_cursor: null });
      expect(body.count).toBe(Math.ceil(ROWS / 1000));
    });

    test("next_cursor walks every entry once, newest first, the same order offset pages give", async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const query: string = `limit=500${cursor === null ? "" : `&cursor=${cursor}`}`;
        const { status, body } = await get(query);
        expect(status).toBe(200);
        seen.push(...body.entries.map((e) => e.event_id));
        cursor = body.next_cursor;
        pages++;
      } while (cursor !== null && pages < 100);
      expect(seen).toHaveLength(ROWS);
      expect(new Set(seen).size).toBe(ROWS);
      // A full page inside the rows (ROWS follows TOTAL_COUNT_CAP), so it hands out a cursor.
      const at = Math.floor((ROWS - 500) / 2);
      const byOffset = await get(`limit=500&offset=${at}`);
      expect(byOffset.body.next_cursor).not.toBeNull();
      expect(byOffset.body.entries.map((e) => e.event_id)).toEqual(seen.slice(at, at + 500));
    });

    test("a cursor that was not handed out, or one with an offset, is a 400 naming the field", async () => {
      for (const query of ["cursor=not-a-cursor", `cursor=${Buffer.from("[1,2]").toString("base64url")}`]) {
        const res = await fetch(`${service.url}/api/v1/audit?${query}`);
        expect(res.status).toBe(400);
        const body = (await res.json()) as { error: { fields: { path: string; message: string }[] } };
        expect(body.error.fields).toContainEqual({
          path: "cursor",
          message: "is not a cursor this service handed out",
        });
      }
      const first = await get("limit=2");
      const both = await fetch(`${service.url}/api/v1/audit?cursor=${first.body.next_cursor}&offset=5`);
      expect(both.status).toBe(400);
      const body = (await both.json()) as { error: { fields: { path: string; message: string }[] } };
      expect(body.error.fields).toContainEqual({ path: "cursor", message: "cannot be combined with offset" });
    });
  });
}

const dir = makeTempDir("malwar-audit-paging-");
afterAll(() => dir.cleanup());
pagingSuite("GET /audit on SQLite", () => createBackend({ backend: "sqlite", dbPath: dir.file("audit.db") }));
describePostgres("GET /audit on PostgreSQL", (pg) => {
  pagingSuite("paging", () =>
    createBackend({ backend: "postgres", postgresUrl: pg().url, postgresPoolMax: 4 }),
  );
});
