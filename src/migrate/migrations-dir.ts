import { join, resolve } from "node:path";
import type { BackendName } from "../config/index.ts";

/** The project's own `migrations/` folder, found from this file so the working directory does not matter. */
export const DEFAULT_MIGRATIONS_ROOT: string = resolve(import.meta.dir, "../../migrations");

export interface MigrationsLocation {
  /** A folder holding `sqlite/` and `postgres/` subfolders; defaults to the project's `migrations/`. */
  migrationsDir?: string;
}

export function migrationsDirFor(backendName: BackendName, options: MigrationsLocation = {}): string {
  return join(resolve(options.migrationsDir ?? DEFAULT_MIGRATIONS_ROOT), backendName);
}
