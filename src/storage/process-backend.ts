import type { DatabaseBackend } from "../backends/database-backend.ts";
import type { StorageConfig } from "../config/index.ts";
import { StorageError } from "../errors/index.ts";
import { createBackend } from "./create-backend.ts";

/*
 * One backend per process, as the Python seed's init_backend()/get_backend() keep it: the
 * service and CLI open it once at start and every request shares it.
 */

let opening: Promise<DatabaseBackend> | undefined;
let current: DatabaseBackend | undefined;

/**
 * Opens (and, with autoMigrate, migrates) the process's backend. Once it is open, later calls
 * return that same backend whatever config they pass; `closeBackend()` first to open another.
 * Concurrent first calls share one opening.
 */
export function initBackend(config?: Partial<StorageConfig>): Promise<DatabaseBackend> {
  if (current) return Promise.resolve(current);
  opening ??= createBackend(config).then(
    (backend) => {
      current = backend;
      return backend;
    },
    (error: unknown) => {
      opening = undefined;
      throw error;
    },
  );
  return opening;
}

/** The backend `initBackend` opened; a StorageError before that. */
export function getBackend(): DatabaseBackend {
  if (!current) {
    throw new StorageError("No storage backend yet: call initBackend() first", {
      code: "BACKEND_NOT_INITIALIZED",
    });
  }
  return current;
}

/** Closes the process's backend (waiting for in-flight work); a no-op when none is open. */
export async function closeBackend(): Promise<void> {
  const pending = opening;
  opening = undefined;
  const backend = current ?? (await pending?.catch(() => undefined));
  current = undefined;
  await backend?.close();
}
