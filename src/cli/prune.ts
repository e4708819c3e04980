/**
 * `bun run prune --older-than 90d [--dry-run] [--batch-size N]`: deletes api_usage and audit_log
 * rows older than the given age from the configured database, oldest first, in batches of at most
 * N rows each committed on its own (no long lock: a running service keeps answering). A prune that
 * deleted rows records itself in audit_log. `--dry-run` counts what would go and deletes nothing.
 * Exit 0 on success, 1 on a failure, 2 on a usage error.
 */
import { loadConfig } from "../config/index.ts";
import {
  countPrunable,
  cutoffBefore,
  DEFAULT_PRUNE_BATCH,
  type PruneCounts,
  pruneOlderThan,
} from "../repositories/index.ts";
import { createBackend } from "../storage/index.ts";
import { parseCli, printHelp, runCli, UsageError } from "./cli-args.ts";
import { describeTarget, missingSqliteFile } from "./cli-target.ts";

const USAGE = `usage: bun run prune --older-than AGE [--dry-run] [--batch-size N]

Deletes api_usage and audit_log rows older than AGE from the configured database
(MALWAR_DB_BACKEND / MALWAR_DB_PATH / MALWAR_POSTGRES_URL), in small batches so a running
service keeps answering. The service does the same on its own when MALWAR_RETENTION_DAYS is set.
  --older-than AGE   e.g. 90d (days) or 36h (hours)
  --dry-run          count what would be deleted; delete nothing
  --batch-size N     rows per DELETE (default ${DEFAULT_PRUNE_BATCH}, at most 100000)
  -h, --help         this text`;

const SPEC = {
  tool: "prune",
  usage: USAGE,
  options: {
    "older-than": { type: "string" },
    "dry-run": { type: "boolean" },
    "batch-size": { type: "string" },
  },
} as const;

const UNIT_MS: Record<string, number> = { d: 86_400_000, h: 3_600_000 };
const nf = new Intl.NumberFormat("en-US");

function parseAge(text: string): number {
  const match = /^(\d{1,6})([dh])$/.exec(text.trim().toLowerCase());
  if (!match) throw new UsageError(`--older-than takes an age like 90d or 36h (got ${JSON.stringify(text)})`);
  const ms = Number(match[1]) * (UNIT_MS[match[2] as string] as number);
  if (ms === 0) throw new UsageError("--older-than must be more than 0 (0 would delete every row)");
  return ms;
}

function summary(counts: PruneCounts): string {
  return `${nf.format(counts.api_usage)} api_usage and ${nf.format(counts.audit_log)} audit_log rows`;
}

async function main(): Promise<number> {
  const parsed = parseCli(SPEC, process.argv.slice(2));
  if (parsed === "help") return printHelp(USAGE);
  const age = parsed.values["older-than"];
  if (age === undefined) throw new UsageError("--older-than AGE is required");
  const ageMs = parseAge(age);
  const batchText = parsed.values["batch-size"];
  const batchSize = batchText === undefined ? DEFAULT_PRUNE_BATCH : Number(batchText);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 100_000) {
    throw new UsageError(
      `--batch-size must be an integer from 1 to 100000 (got ${JSON.stringify(batchText)})`,
    );
  }
  const config = loadConfig();
  const target = describeTarget(config);
  if (missingSqliteFile(config)) {
    console.error(
      `malwar prune: no SQLite database at ${JSON.stringify(config.dbPath)} (MALWAR_DB_PATH): nothing to prune`,
    );
    return 1;
  }
  const cutoff = cutoffBefore(ageMs);
  const backend = await createBackend({ ...config, autoMigrate: false });
  try {
    if (parsed.values["dry-run"]) {
      const counts = await countPrunable(backend, cutoff);
      console.log(
        `would delete ${summary(counts)} older than ${cutoff.toISOString()} from ${target} (dry run, nothing deleted)`,
      );
      return 0;
    }
    const started = performance.now();
    let lastPrint = started;
    const counts = await pruneOlderThan(backend, cutoff, {
      actor: "cli",
      batchSize,
      onBatch: (table, deleted) => {
        const now = performance.now();
        if (now - lastPrint < 1000) return;
        lastPrint = now;
        console.error(`  ${table}: ${nf.format(deleted)} rows deleted so far`);
      },
    });
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `deleted ${summary(counts)} older than ${cutoff.toISOString()} from ${target} in ${seconds.toFixed(1)} s (batches of ${nf.format(batchSize)})`,
    );
    return 0;
  } finally {
    await backend.close();
  }
}

await runCli("prune", USAGE, main);
