/**
 * `bun run db:copy --to TARGET [--force] [--batch-size N]`: copies the configured database
 * (MALWAR_*) to TARGET, a postgres:// URL or a SQLite file path, so both directions work.
 *
 * TARGET is migrated first; then every table in foreign-key order, in batches, in one
 * transaction on TARGET (schema_migrations excepted: TARGET's own migration run wrote it);
 * generated-key counters reset; then per table the row count and a content checksum are
 * compared on both sides and the verdict printed. A TARGET holding rows of its own is refused
 * unless --force (which replaces them). Stop writers to the source while it runs.
 * Exit 0 when every table matches, 1 on a failure or a mismatch, 2 on a usage error.
 */
import { realpathSync } from "node:fs";
import { resolve } from "node:path";
import type { DatabaseBackend } from "../backends/index.ts";
import { loadConfig, resolveConfig, type StorageConfig } from "../config/index.ts";
import {
  type CopyProgress,
  CopyRefused,
  checkTables,
  copyTables,
  occupiedTables,
} from "../copy/copy-database.ts";
import { countRows } from "../copy/table-pages.ts";
import { verifyCopy } from "../copy/verify-copy.ts";
import { ConfigurationError, redactUrl } from "../errors/index.ts";
import { migrationStatus, runMigrations } from "../migrate/index.ts";
import { TABLE_CATALOG } from "../repositories/index.ts";
import { createBackend } from "../storage/index.ts";
import { parseCli, printHelp, runCli, UsageError } from "./cli-args.ts";
import { describeTarget, migrationLine } from "./cli-target.ts";

const USAGE = `usage: bun run db:copy --to TARGET [--force] [--batch-size N]

Copies the configured database (MALWAR_DB_BACKEND / MALWAR_DB_PATH / MALWAR_POSTGRES_URL) to
TARGET: a postgres:// (or postgresql://) URL, or a SQLite file path. TARGET is migrated first,
then every table is copied in one transaction on it, and each table's row count and content
checksum are compared on both sides. Stop the service (or anything writing) first.
  --to TARGET       where to copy to (created if it is a SQLite path that does not exist)
  --force           replace what TARGET already holds (refused otherwise)
  --batch-size N    rows per read and insert batch (default 5000)
  -h, --help        this text`;

const SPEC = {
  tool: "db:copy",
  usage: USAGE,
  options: { to: { type: "string" }, force: { type: "boolean" }, "batch-size": { type: "string" } },
} as const;

const nf = new Intl.NumberFormat("en-US");

function targetConfig(to: string, source: StorageConfig): StorageConfig {
  const isUrl = /^[a-z][a-z0-9+.-]*:\/\//i.test(to);
  try {
    return isUrl
      ? resolveConfig({
          backend: "postgres",
          postgresUrl: to,
          postgresPoolMin: 1,
          postgresPoolMax: 4,
          postgresConnectTimeout: source.postgresConnectTimeout,
          postgresPrepare: source.postgresPrepare,
          autoMigrate: false,
        })
      : resolveConfig({ backend: "sqlite", dbPath: to, autoMigrate: false });
  } catch (error) {
    if (error instanceof ConfigurationError) {
      throw new UsageError(
        `--to ${JSON.stringify(redactUrl(to))}: ${error.message.replace(/^postgresUrl /, "")}`,
      );
    }
    throw error;
  }
}

/** Same file, or same server and database: copying onto itself would delete the data. */
function sameDatabase(a: StorageConfig, b: StorageConfig): boolean {
  if (a.backend !== b.backend) return false;
  if (a.backend === "sqlite") {
    if (a.dbPath === ":memory:" || b.dbPath === ":memory:") return false;
    const real = (p: string) => {
      try {
        return realpathSync(p);
      } catch {
        return resolve(p);
      }
    };
    return real(a.dbPath) === real(b.dbPath);
  }
  try {
    const [x, y] = [new URL(a.postgresUrl), new URL(b.postgresUrl)];
    const where = (u: URL) => `${u.hostname}:${u.port || "5432"}${u.pathname}`;
    return where(x) === where(y);
  } catch {
    return false;
  }
}

/** One progress line per table a second at most, on stderr, plus its last one. */
function progressPrinter(): (p: CopyProgress) => void {
  let lastTable = "";
  let lastAt = 0;
  return (p) => {
    if (p.total === 0) return;
    const now = performance.now();
    const finished = p.done >= p.total;
    if (p.table === lastTable && !finished && now - lastAt < 1000) return;
    lastTable = p.table;
    lastAt = now;
    const rate = p.elapsedMs > 0 ? Math.round((p.done / p.elapsedMs) * 1000) : 0;
    const pct = p.total === 0 ? 100 : Math.floor((p.done / p.total) * 100);
    console.error(
      `  ${p.table}: ${nf.format(p.done)}/${nf.format(p.total)} rows (${pct}%), ${nf.format(rate)} rows/s`,
    );
  };
}

/** Rows a freshly migrated database holds (the seeded threat intel): not the target's "own" rows. */
async function seedCounts(): Promise<Record<string, number>> {
  const scratch = await createBackend({ backend: "sqlite", dbPath: ":memory:", autoMigrate: true });
  try {
    const counts: Record<string, number> = {};
    for (const table of TABLE_CATALOG) counts[table.name] = await countRows(scratch, table.name);
    return counts;
  } finally {
    await scratch.close();
  }
}

async function main(): Promise<number> {
  const parsed = parseCli(SPEC, process.argv.slice(2));
  if (parsed === "help") return printHelp(USAGE);
  const to = parsed.values.to;
  if (to === undefined || to.trim() === "") throw new UsageError("--to TARGET is required");
  const batchText = parsed.values["batch-size"];
  const batchSize = batchText === undefined ? 5_000 : Number(batchText);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 100_000) {
    throw new UsageError(
      `--batch-size must be an integer from 1 to 100000 (got ${JSON.stringify(batchText)})`,
    );
  }
  const sourceConfig = loadConfig();
  const destination = targetConfig(to.trim(), sourceConfig);
  if (sameDatabase(sourceConfig, destination)) {
    throw new CopyRefused(`the target is the configured database itself (${describeTarget(destination)})`);
  }

  const source: DatabaseBackend = await createBackend({ ...sourceConfig, autoMigrate: false });
  let target: DatabaseBackend | undefined;
  try {
    const behind = (await migrationStatus(source)).filter((m) => m.state !== "applied");
    if (behind.length > 0) {
      throw new CopyRefused(
        `the source (${describeTarget(sourceConfig)}) is not fully migrated (${behind.map((m) => `${String(m.version).padStart(3, "0")} ${m.state}`).join(", ")}): run \`bun run migrate\` on it first`,
      );
    }
    await checkTables(source, "source");
    console.log(`source: ${describeTarget(sourceConfig)}`);
    console.log(`target: ${describeTarget(destination)}`);
    target = await createBackend(destination);
    await runMigrations(target, { onApplied: (m) => console.log(`target: ${migrationLine(m)}`) });
    await checkTables(target, "target");
    const occupied = await occupiedTables(target, await seedCounts());
    if (occupied.length > 0 && !parsed.values.force) {
      throw new CopyRefused(
        `the target is not empty: ${occupied.join(", ")}; pass --force to replace what it holds`,
      );
    }

    const started = performance.now();
    const copied = await copyTables(source, target, { batchSize, onProgress: progressPrinter() });
    const copyMs = performance.now() - started;
    const rows = copied.reduce((n, t) => n + t.rows, 0);
    console.log(
      `copied ${nf.format(rows)} rows in ${(copyMs / 1000).toFixed(1)} s (${nf.format(Math.round((rows / copyMs) * 1000))} rows/s), in one transaction`,
    );

    const verifyStarted = performance.now();
    const verdicts = await verifyCopy(source, target);
    const width = Math.max(...verdicts.map((v) => v.table.length));
    for (const v of verdicts) {
      console.log(
        `${v.match ? "ok      " : "MISMATCH"}  ${v.table.padEnd(width)}  rows ${nf.format(v.source.rows).padStart(11)} / ${nf.format(v.target.rows).padEnd(11)}  checksum ${v.source.checksum} / ${v.target.checksum}`,
      );
    }
    const bad = verdicts.filter((v) => !v.match);
    const took = ((performance.now() - verifyStarted) / 1000).toFixed(1);
    if (bad.length > 0) {
      console.error(
        `malwar db:copy: verification FAILED for ${bad.map((v) => v.table).join(", ")} (source / target shown above)`,
      );
      return 1;
    }
    console.log(`verified in ${took} s: all ${verdicts.length} tables match (row counts and checksums)`);
    return 0;
  } finally {
    await Promise.allSettled([source.close(), target?.close()]);
  }
}

await runCli("db:copy", USAGE, main);
