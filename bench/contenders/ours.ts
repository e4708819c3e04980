/**
 * The project's side: the same workloads through the repositories on a DatabaseBackend, exactly
 * as an embedding server would call them.
 */
import type { DatabaseBackend } from "../../src/backends/database-backend.ts";
import { ApiUsageRepository, FindingRepository, ScanRepository } from "../../src/repositories/index.ts";
import { type Contender, inWorkers } from "../contender.ts";
import type { BulkInput, ScanWithFindings, UsageRow } from "../fixtures.ts";

export class Ours implements Contender {
  readonly label = "ours";
  readonly backend: DatabaseBackend;
  readonly #scans: ScanRepository;
  readonly #findings: FindingRepository;
  readonly #usage: ApiUsageRepository;
  readonly appendUsageConcurrent?: (rows: readonly UsageRow[], workers: number) => Promise<void>;

  constructor(backend: DatabaseBackend) {
    this.backend = backend;
    this.#scans = new ScanRepository(backend);
    this.#findings = new FindingRepository(backend);
    this.#usage = new ApiUsageRepository(backend);
    if (backend.backendName === "postgres") {
      this.appendUsageConcurrent = (rows, workers) => inWorkers(rows, workers, (u) => this.#usage.record(u));
    }
  }

  async reset(): Promise<void> {
    if (this.backend.backendName === "postgres") {
      await this.backend.execute("TRUNCATE findings, url_analysis, scans, api_usage");
    } else {
      await this.backend.executeScript(
        "DELETE FROM findings; DELETE FROM url_analysis; DELETE FROM scans; DELETE FROM api_usage; PRAGMA wal_checkpoint(TRUNCATE);",
      );
    }
  }

  async analyze(): Promise<void> {
    await this.backend.execute("ANALYZE");
  }

  async recordScans(items: readonly ScanWithFindings[]): Promise<void> {
    for (const item of items) await this.#scans.saveScan(item);
  }

  readonly getVariants = {
    getScanWithDetails: async (ids: readonly string[]): Promise<number> => {
      let n = 0;
      for (const id of ids) {
        const scan = await this.#scans.getScanWithDetails(id);
        if (scan !== null) n += scan.findings.length;
      }
      return n;
    },
  };

  async listRecent(times: number, limit: number): Promise<number> {
    let n = 0;
    for (let k = 0; k < times; k++) n += (await this.#scans.listRecent({ limit })).length;
    return n;
  }

  readonly bulkVariants = {
    // The bulk call a scanner uses: checks every row, stores all in one transaction, returns the
    // count. Raw builds no row objects either, so this is the like-for-like form.
    "FindingRepository.insertMany": async ({ scanId, rows }: BulkInput): Promise<void> => {
      await this.#findings.insertMany(scanId, rows);
    },
    // The same plus the stored rows handed back as objects (what the HTTP layer needs).
    "FindingRepository.createMany": async ({ scanId, rows }: BulkInput): Promise<void> => {
      await this.#findings.createMany(scanId, rows);
    },
  };

  async clearBulk(): Promise<void> {
    await this.backend.execute("DELETE FROM findings WHERE id LIKE 'bulk-%'");
  }

  async appendUsage(rows: readonly UsageRow[]): Promise<void> {
    for (const u of rows) await this.#usage.record(u);
  }

  async counts(): Promise<{ scans: number; findings: number; api_usage: number }> {
    const row = await this.backend.fetchOne<{ scans: number; findings: number; api_usage: number }>(
      "SELECT (SELECT COUNT(*) FROM scans) AS scans, (SELECT COUNT(*) FROM findings) AS findings, (SELECT COUNT(*) FROM api_usage) AS api_usage",
    );
    return { scans: Number(row?.scans), findings: Number(row?.findings), api_usage: Number(row?.api_usage) };
  }

  async close(): Promise<void> {
    await this.backend.close();
  }
}
