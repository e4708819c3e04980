/*
 * MALWAR_RETENTION_DAYS in a running service: a prune of api_usage and audit_log rows older than
 * the retention, soon after start and then every interval. Runs never overlap; stopping the
 * service ends a run at its next batch boundary (what is deleted stays deleted: each batch
 * commits on its own) and waits for it. Several replicas pruning at once only share the work.
 */
import type { DatabaseBackend } from "../backends/index.ts";
import { describeError, type Logger } from "../log/index.ts";
import { cutoffBefore, daysMs, type PruneCounts, pruneOlderThan } from "../repositories/index.ts";

export interface RetentionScheduleOptions {
  backend: DatabaseBackend;
  days: number;
  /** Between runs. Default one hour. */
  intervalMs?: number;
  /** Before the first run. Default 5 s: start-up work comes first. */
  firstRunAfterMs?: number;
  logger: Logger;
  /** After each run, with what it deleted. */
  onRun?: (counts: PruneCounts) => void;
}

export interface RetentionSchedule {
  stop(): Promise<void>;
}

export function scheduleRetention(options: RetentionScheduleOptions): RetentionSchedule {
  const interval = options.intervalMs ?? 3_600_000;
  const abort = new AbortController();
  let running: Promise<void> | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const run = async () => {
    const cutoff = cutoffBefore(daysMs(options.days));
    try {
      const counts = await pruneOlderThan(options.backend, cutoff, {
        actor: "service",
        signal: abort.signal,
      });
      if (counts.api_usage + counts.audit_log > 0) {
        options.logger.info(
          { ...counts, cutoff: cutoff.toISOString(), retention_days: options.days },
          `retention: deleted ${counts.api_usage} api_usage and ${counts.audit_log} audit_log rows older than ${cutoff.toISOString()} (MALWAR_RETENTION_DAYS=${options.days})`,
        );
      }
      options.onRun?.(counts);
    } catch (error) {
      if (abort.signal.aborted) return;
      options.logger.warn(
        { error: describeError(error) },
        `retention: prune failed, next try in ${Math.round(interval / 1000)} s`,
      );
    }
  };

  const next = (delay: number) => {
    if (abort.signal.aborted) return;
    timer = setTimeout(() => {
      running = run().finally(() => {
        running = null;
        next(interval);
      });
    }, delay);
    // A schedule never keeps the process alive on its own.
    timer.unref?.();
  };
  next(options.firstRunAfterMs ?? 5_000);

  return {
    async stop() {
      abort.abort();
      clearTimeout(timer);
      await running;
    },
  };
}
