import type postgres from "postgres";
import { StorageError } from "../../errors/index.ts";

/*
 * The only file under src/ that loads the `postgres` package. It is an optional dependency: a
 * SQLite-only install must start without it, so nothing may import it at module load.
 */

export type PostgresFactory = typeof postgres;

/*
 * `bun add postgres` would turn the optional dependency into a required one in package.json;
 * a plain `bun install` installs what the lockfile already pins.
 */
export const MISSING_DRIVER_MESSAGE =
  "PostgreSQL backend requires the 'postgres' package.\nInstall it with: bun install (it is an optional dependency: run it without --omit optional)";

let loaded: Promise<PostgresFactory> | undefined;

export function loadPostgresDriver(): Promise<PostgresFactory> {
  loaded ??= import("postgres").then(
    (module) => module.default,
    (error: unknown) => {
      // Forget the failure: `bun install` in a long-lived REPL should work without a restart.
      loaded = undefined;
      if (isMissingPackage(error)) {
        throw new StorageError(MISSING_DRIVER_MESSAGE, { code: "DRIVER_MISSING", cause: error });
      }
      throw new StorageError(`The 'postgres' package failed to load: ${describe(error)}`, {
        code: "DRIVER_LOAD_FAILED",
        cause: error,
      });
    },
  );
  return loaded;
}

function isMissingPackage(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  const message = describe(error);
  const notFound =
    code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND" || /cannot find/i.test(message);
  // A package that is present but broken inside also reports "not found" for its own imports.
  return notFound && /['"]postgres['"]/.test(message);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
