/*
 * Retention of the two append-only tables that grow with every request (api_usage, audit_log):
 * rows older than a cutoff are deleted in bounded batches (prune-batches.ts). Used by
 * `bun run prune` and by the service's schedule (MALWAR_RETENTION_DAYS).
 */
import type { DatabaseBackend } from "../backends/index.ts";
import { ApiUsageRepository } from "./api-usage-repository.ts";
import { AuditLogRepository } from "./audit-log-repository.ts";
import type { PruneOptions } from "./prune-batches.ts";

export interface PruneCounts {
  api_usage: number;
  audit_log: number;
}

const DAY_MS = 86_400_000;

/** The instant `ageMs` before `now`. */
export function cutoffBefore(ageMs: number, now: Date = new Date()): Date {
  return new Date(now.getTime() - ageMs);
}

export function daysMs(days: number): number {
  return days * DAY_MS;
}

/** What a prune at `cutoff` would delete, per table. */
export async function countPrunable(db: DatabaseBackend, cutoff: Date): Promise<PruneCounts> {
  const [api_usage, audit_log] = await Promise.all([
    new ApiUsageRepository(db).countOlderThan(cutoff),
    new AuditLogRepository(db).countOlderThan(cutoff),
  ]);
  return { api_usage, audit_log };
}

export interface PruneRun extends Omit<PruneOptions, "onBatch"> {
  /** Written to the audit row that records a prune which deleted something. */
  actor: string;
  onBatch?: (table: keyof PruneCounts, deletedSoFar: number) => void;
}

/**
 * Deletes rows older than `cutoff` from both tables, one table after the other, and when it
 * deleted anything records that in the audit log (with the cutoff and the counts): the audit
 * trail says who removed part of itself.
 */
export async function pruneOlderThan(db: DatabaseBackend, cutoff: Date, run: PruneRun): Promise<PruneCounts> {
  const options = (table: keyof PruneCounts): PruneOptions => ({
    batchSize: run.batchSize,
    signal: run.signal,
    onBatch: (n) => run.onBatch?.(table, n),
  });
  const api_usage = await new ApiUsageRepository(db).pruneOlderThan(cutoff, options("api_usage"));
  const audit = new AuditLogRepository(db);
  const audit_log = await audit.pruneOlderThan(cutoff, options("audit_log"));
  if (api_usage + audit_log > 0) {
    await audit.append({
      event_type: "retention_pruned",
      actor: run.actor,
      resource_type: "retention",
      action: "delete",
      details: { cutoff: cutoff.toISOString(), api_usage, audit_log },
    });
  }
  return { api_usage, audit_log };
}
