/**
 * One scan posted to a SQLite-backed and a PostgreSQL-backed service reads back the same from
 * both, apart from the instants each stamps at write time.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { DatabaseBackend } from "../../src/backends/database-backend.ts";
import { type RunningService, startService } from "../../src/service/index.ts";
import { describePostgres, type TestDatabase } from "../support/postgres.ts";
import { makeTempDir } from "../support/temp-dir.ts";
import { ApiClient } from "./support/api-client.ts";
import { openPostgres, openSqlite } from "./support/backends.ts";
import { scanBody } from "./support/fixtures.ts";

type Json = Record<string, unknown>;

/** Removes the instants stamped by the write (created_at, detected_at, fetched_at) at every level. */
function withoutStamps(scan: Json): Json {
  const { created_at: _c, ...rest } = scan;
  return {
    ...rest,
    findings: (scan.findings as Json[]).map(({ detected_at: _d, ...f }) => f),
    url_analysis: (scan.url_analysis as Json[]).map(({ fetched_at: _f, ...u }) => u),
  };
}

describePostgres("the same scan on both backends", (db) => {
  // Nested, so the services stop (and flush) before describePostgres drops the database.
  describe("SQLite and PostgreSQL", () => parity(db));
});

function parity(db: () => TestDatabase): void {
  const dir = makeTempDir("malwar-parity-");
  const backends: DatabaseBackend[] = [];
  const services: RunningService[] = [];
  let sqliteApi: ApiClient;
  let postgresApi: ApiClient;

  beforeAll(async () => {
    const lite = await openSqlite(dir.file("parity.db"));
    const pg = await openPostgres(db().url);
    backends.push(lite, pg);
    const a = startService({ backend: lite, port: 0 });
    const b = startService({ backend: pg, port: 0 });
    services.push(a, b);
    sqliteApi = new ApiClient(a.url);
    postgresApi = new ApiClient(b.url);
  });
  afterAll(async () => {
    for (const s of services) await s.stop();
    for (const b of backends) await b.close();
    dir.cleanup();
  });

  test("reads back identically, with every type intact", async () => {
    const body = scanBody("parity-scan-1");
    // Values that drivers like to mangle: big integers, fractions, unicode, empty and null fields.
    body.risk_score = 2 ** 40;
    body.duration_ms = Number.MAX_SAFE_INTEGER;
    body.skill_name = "wéather ☂ helper";
    body.findings[0]!.confidence = 0.1 + 0.2;
    body.findings[1]!.snippet = "";
    (body.findings[2] as Record<string, unknown>).line_start = null;
    (body.url_analysis[0] as Record<string, unknown>).domain_reputation = 1 / 3;
    body.findings.push({
      ...body.findings[0]!,
      id: "parity-scan-1-detected",
      detected_at: "2026-02-01T10:00:01.250Z",
    } as never);

    const a = await sqliteApi.post<Json>("/scans", body);
    const b = await postgresApi.post<Json>("/scans", body);
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(withoutStamps(b.body)).toEqual(withoutStamps(a.body));

    const readA = await sqliteApi.get<Json>(`/scans/${body.id}`);
    const readB = await postgresApi.get<Json>(`/scans/${body.id}`);
    expect(readA.body).toEqual(a.body);
    expect(readB.body).toEqual(b.body);
    expect(withoutStamps(readB.body)).toEqual(withoutStamps(readA.body));
    // An instant the client chose is kept exactly, on both.
    const chosen = (s: Json) =>
      (s.findings as Json[]).find((f) => f.id === "parity-scan-1-detected")?.detected_at;
    expect(chosen(readA.body)).toBe("2026-02-01T10:00:01.250Z");
    expect(chosen(readB.body)).toBe("2026-02-01T10:00:01.250Z");
    for (const scan of [readA.body, readB.body])
      expect(scan.created_at as string).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

    const listA = await sqliteApi.get<{ scans: Json[] }>("/scans");
    const listB = await postgresApi.get<{ scans: Json[] }>("/scans");
    const strip = ({ created_at: _c, ...rest }: Json) => rest;
    expect(listB.body.scans.map(strip)).toEqual(listA.body.scans.map(strip));
  });
}
