/**
 * W6: GET /api/v1/scans/:id and POST /api/v1/scans over HTTP, 20 connections, against the
 * project's service and against a bare Bun.serve making the same repository call, on one backend.
 * Both servers use one backend instance and database, run one at a time, alternating who goes first.
 */
import { rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_CONFIG } from "../../src/config/index.ts";
import { createLogger } from "../../src/log/index.ts";
import { ScanRepository } from "../../src/repositories/index.ts";
import { startService } from "../../src/service/index.ts";
import { makeScans } from "../fixtures.ts";
import type { BenchBackend, BenchOptions } from "../options.ts";
import { freshPlace, openOurs } from "../setup.ts";
import { type Summary, summarize } from "../stats.ts";
import { startBareServer } from "./bare-server.ts";
import { type LoadGenerator, type LoadResult, loadGenerator, type Route, runLoad } from "./load.ts";

export interface W6Row {
  route: "GET /scans/:id" | "POST /scans";
  server: "service" | "bare Bun.serve";
  rps: Summary;
  p50Ms: Summary;
  p99Ms: Summary;
  errors: number;
}

export interface W6Result {
  backend: BenchBackend;
  generator: LoadGenerator;
  connections: number;
  seconds: number;
  rounds: number;
  rows: W6Row[];
}

const STORED_SCANS = 2_000;

export async function runW6(
  backend: BenchBackend,
  options: BenchOptions,
  log: (l: string) => void,
): Promise<W6Result> {
  const generator = loadGenerator();
  const connections = options.counts.w6Connections;
  const place = await freshPlace(backend, "w6", options.postgresAdminUrl);
  // The pool as `bun run start` opens it by default (2 kept, the rest spare), which leaves the
  // service a slot for its key-change listener; both servers share it.
  const db = await openOurs(backend, place, options.counts.poolSize, DEFAULT_CONFIG.postgresPoolMin);
  const templatePath = join(tmpdir(), `malwar-bench-post-${process.pid}.json`);
  const service = startService({
    backend: db,
    host: "127.0.0.1",
    port: 0,
    logger: createLogger({ level: "silent" }),
  });
  const bare = startBareServer(db);
  try {
    const repo = new ScanRepository(db);
    for (const scan of makeScans(STORED_SCANS, options.counts.findingsPerScan, 6, "w6"))
      await repo.saveScan(scan);
    await db.execute("ANALYZE");

    // One scan with its findings, ids made unique per request by the load generator.
    const [sample] = makeScans(1, options.counts.findingsPerScan, 7, "tpl");
    const body = {
      ...sample!,
      id: "__SCAN_ID__",
      findings: sample!.findings.map((f, k) => ({ ...f, id: `__SCAN_ID__-f${k}` })),
    };
    writeFileSync(templatePath, JSON.stringify(body));

    const servers = { service: service.url, "bare Bun.serve": bare.url } as const;
    const routes = (tag: string): Record<W6Row["route"], Route> => ({
      "GET /scans/:id": { kind: "get", prefix: "w6", count: STORED_SCANS },
      "POST /scans": { kind: "post", templatePath, prefix: `p${tag}` },
    });
    const results = new Map<string, LoadResult[]>();
    const warmSeconds = 1;
    for (let round = 0; round <= options.httpRounds; round++) {
      const warming = round === 0;
      const order = (
        round % 2 === 1 ? ["service", "bare Bun.serve"] : ["bare Bun.serve", "service"]
      ) as W6Row["server"][];
      log(`  ${backend} W6 ${warming ? "warm-up" : `round ${round}/${options.httpRounds}`} (${generator})`);
      for (const routeName of ["GET /scans/:id", "POST /scans"] as const) {
        for (const server of order) {
          const tag = `${Date.now().toString(36)}${server === "service" ? "s" : "b"}${round}`;
          const r = await runLoad(
            generator,
            servers[server],
            routes(tag)[routeName],
            warming ? warmSeconds : options.httpSeconds,
            connections,
          );
          if (warming) continue;
          const key = `${routeName}|${server}`;
          results.set(key, [...(results.get(key) ?? []), r]);
        }
      }
    }
    const rows: W6Row[] = [];
    for (const [key, rs] of results) {
      const [route, server] = key.split("|") as [W6Row["route"], W6Row["server"]];
      rows.push({
        route,
        server,
        rps: summarize(rs.map((r) => r.rps)),
        p50Ms: summarize(rs.map((r) => r.p50Ms)),
        p99Ms: summarize(rs.map((r) => r.p99Ms)),
        errors: rs.reduce((s, r) => s + r.errors, 0),
      });
    }
    return {
      backend,
      generator,
      connections,
      seconds: options.httpSeconds,
      rounds: options.httpRounds,
      rows,
    };
  } finally {
    await bare.stop();
    await service.stop({ timeoutMs: 5_000 });
    await db.close();
    await place.dispose();
    rmSync(templatePath, { force: true });
  }
}
