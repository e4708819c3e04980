/**
 * `bun run migrate`            apply pending migrations for the configured backend
 * `bun run migrate status`     table of every migration: version, name, state, applied at
 * `bun run migrate --dry-run`  list what would be applied (version and name); applies nothing
 *
 * Configured by the MALWAR_* variables (loadConfig). MALWAR_MIGRATIONS_DIR points at another
 * folder holding `sqlite/` and `postgres/` (tests use it for extra migrations). Exits 0 on
 * success; 1 with a one-line reason on any failure; 2 on a usage error.
 */
import type { DatabaseBackend } from "../backends/database-backend.ts";
import { loadConfig, postgresLocation, type StorageConfig } from "../config/index.ts";
import { redactUrl } from "../errors/index.ts";
import {
  type MigrationStatusEntry,
  type MigrationsLocation,
  migrationStatus,
  planMigrations,
  runMigrations,
} from "../migrate/index.ts";
import { createBackend } from "../storage/index.ts";

type Command = "apply" | "status" | "dry-run";

class UsageError extends Error {}

function parseArgs(args: readonly string[]): Command {
  let command: Command = "apply";
  for (const arg of args) {
    if (arg === "status" && command === "apply") command = "status";
    else if (arg === "--dry-run" && command === "apply") command = "dry-run";
    else if (arg === "up" || arg === "apply") continue;
    else throw new UsageError(`unexpected argument ${JSON.stringify(arg)}`);
  }
  return command;
}

/** Where the command points, for the closing line; a URL's password never appears. */
function describeTarget(config: StorageConfig): string {
  if (config.backend === "sqlite") return `sqlite ${config.dbPath}`;
  const location = postgresLocation(config.postgresUrl);
  return location === null ? "postgres" : `postgres ${location}`;
}

const pad = (version: number) => String(version).padStart(3, "0");

async function apply(backend: DatabaseBackend, location: MigrationsLocation, target: string): Promise<void> {
  const applied = await runMigrations(backend, {
    ...location,
    onApplied: (m) => console.log(`applied ${pad(m.version)}_${m.name} in ${m.durationMs.toFixed(1)} ms`),
  });
  const count = applied.length;
  console.log(
    count === 0
      ? `nothing to apply: ${target} is up to date`
      : `${count} migration${count === 1 ? "" : "s"} applied to ${target}`,
  );
}

async function dryRun(backend: DatabaseBackend, location: MigrationsLocation, target: string): Promise<void> {
  const planned = await planMigrations(backend, location);
  if (planned.length === 0) {
    console.log(`nothing to apply: ${target} is up to date`);
    return;
  }
  console.log(`would apply to ${target} (dry run, nothing applied):`);
  for (const m of planned) console.log(`${pad(m.version)} ${m.name}`);
}

function formatStatus(entries: readonly MigrationStatusEntry[]): string {
  const rows = [
    ["version", "name", "state", "applied at"],
    ...entries.map((e) => [pad(e.version), e.name, e.state, e.appliedAt ?? "-"]),
  ];
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((r) => r[col]!.length)));
  return rows
    .map((r) =>
      r
        .map((cell, col) => cell.padEnd(widths[col]!))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

async function main(): Promise<number> {
  let command: Command;
  try {
    command = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`migrate: ${(error as Error).message}\nusage: bun run migrate [status | --dry-run]`);
    return 2;
  }
  let backend: DatabaseBackend | undefined;
  try {
    const config = loadConfig();
    const location: MigrationsLocation = {};
    const dir = process.env.MALWAR_MIGRATIONS_DIR?.trim();
    if (dir) location.migrationsDir = dir;
    const target = describeTarget(config);
    // The migrator runs here, so that its progress and errors are this command's own output.
    const opened: DatabaseBackend = await createBackend({ ...config, autoMigrate: false });
    backend = opened;
    if (command === "status") console.log(formatStatus(await migrationStatus(opened, location)));
    else if (command === "dry-run") await dryRun(opened, location, target);
    else await apply(opened, location, target);
    return 0;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`migrate failed: ${redactUrl(message)}`);
    return 1;
  } finally {
    await backend?.close().catch(() => {});
  }
}

process.exit(await main());
