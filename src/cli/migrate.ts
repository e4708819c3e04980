/**
 * `bun run migrate`            apply pending migrations for the configured backend
 * `bun run migrate status`     table of every migration: version, name, state, applied at
 * `bun run migrate --dry-run`  list what would be applied (version and name); applies nothing
 *
 * Configured by the MALWAR_* variables (loadConfig). MALWAR_MIGRATIONS_DIR points at another
 * folder holding `sqlite/` and `postgres/` (tests use it for extra migrations). `status` and
 * `--dry-run` only read: on a SQLite file that does not exist they say so (stderr), answer from
 * the migration files and create nothing.
 * Exits 0 on success; 1 with a one-line reason on any failure; 2 on a usage error.
 */
import type { DatabaseBackend } from "../backends/index.ts";
import { loadConfig, type StorageConfig } from "../config/index.ts";
import {
  type MigrationStatusEntry,
  type MigrationsLocation,
  migrationStatus,
  planMigrations,
  runMigrations,
} from "../migrate/index.ts";
import { createBackend } from "../storage/index.ts";
import { parseCli, printHelp, runCli, UsageError } from "./cli-args.ts";
import { describeTarget, migrationLine, missingSqliteFile } from "./cli-target.ts";

const USAGE = `usage: bun run migrate [status | --dry-run]

  (no command)   apply every pending migration to the configured database
  status         print every migration with its state (applied, pending, changed, missing)
  --dry-run      list what would be applied; applies and creates nothing
  -h, --help     this text

The database is the one MALWAR_DB_BACKEND / MALWAR_DB_PATH / MALWAR_POSTGRES_URL name.
MALWAR_MIGRATIONS_DIR: another folder holding sqlite/ and postgres/ migration files.`;

type Command = "apply" | "status" | "dry-run";

const SPEC = {
  tool: "migrate",
  usage: USAGE,
  options: { "dry-run": { type: "boolean" } },
  maxPositionals: 1,
} as const;

function parseCommand(argv: readonly string[]): Command | "help" {
  const parsed = parseCli(SPEC, argv);
  if (parsed === "help") return parsed;
  const [word] = parsed.positionals;
  if (word !== undefined && word !== "status" && word !== "up" && word !== "apply") {
    throw new UsageError(`unknown command ${JSON.stringify(word)}`);
  }
  if (word === "status" && parsed.values["dry-run"])
    throw new UsageError("status and --dry-run exclude each other");
  if (word === "status") return "status";
  return parsed.values["dry-run"] ? "dry-run" : "apply";
}

const pad = (version: number) => String(version).padStart(3, "0");

async function apply(backend: DatabaseBackend, location: MigrationsLocation, target: string): Promise<void> {
  const applied = await runMigrations(backend, {
    ...location,
    onApplied: (m) => console.log(migrationLine(m)),
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

/**
 * `status` / `--dry-run` on a SQLite file that is not there: answered from the files alone, with
 * a note on stderr, so a mistyped MALWAR_DB_PATH is noticed and no empty database is left behind.
 */
async function withoutDatabase(
  command: "status" | "dry-run",
  config: StorageConfig,
  location: MigrationsLocation,
  target: string,
): Promise<number> {
  console.error(
    `malwar migrate: no SQLite database at ${JSON.stringify(config.dbPath)} (MALWAR_DB_PATH): ` +
      "every migration is pending there; nothing was created (`bun run migrate` creates it)",
  );
  // An in-memory database has nothing recorded: the files alone decide, and no file is touched.
  const scratch = await createBackend({ backend: "sqlite", dbPath: ":memory:", autoMigrate: false });
  try {
    if (command === "status") console.log(formatStatus(await migrationStatus(scratch, location)));
    else await dryRun(scratch, location, target);
    return 0;
  } finally {
    await scratch.close();
  }
}

async function main(): Promise<number> {
  const command = parseCommand(process.argv.slice(2));
  if (command === "help") return printHelp(USAGE);
  const config = loadConfig();
  const location: MigrationsLocation = {};
  const dir = process.env.MALWAR_MIGRATIONS_DIR?.trim();
  if (dir) location.migrationsDir = dir;
  const target = describeTarget(config);
  if (command !== "apply" && missingSqliteFile(config))
    return withoutDatabase(command, config, location, target);
  // The migrator runs here, so that its progress and errors are this command's own output.
  const backend = await createBackend({ ...config, autoMigrate: false });
  try {
    if (command === "status") console.log(formatStatus(await migrationStatus(backend, location)));
    else if (command === "dry-run") await dryRun(backend, location, target);
    else await apply(backend, location, target);
    return 0;
  } finally {
    await backend.close().catch(() => {});
  }
}

await runCli("migrate", USAGE, main);
