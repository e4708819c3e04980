import type { DatabaseBackend } from "../backends/database-backend.ts";

/** Highest applied migration; 0 on a database that has not been migrated. */
export async function schemaVersion(backend: DatabaseBackend): Promise<number> {
  try {
    const row = await backend.fetchOne<{ version: unknown }>(
      "SELECT MAX(version) AS version FROM schema_migrations",
    );
    return row?.version == null ? 0 : Number(row.version);
  } catch (error) {
    // A database nobody migrated has no bookkeeping table yet; that is version 0, not a failure.
    if (isMissingTable(error)) return 0;
    throw error;
  }
}

function isMissingTable(error: unknown): boolean {
  const seen = new Set<unknown>();
  for (let e: unknown = error; e != null && !seen.has(e); e = (e as { cause?: unknown }).cause) {
    seen.add(e);
    const code = (e as { code?: unknown }).code;
    if (code === "42P01") return true;
    if (/no such table|relation .* does not exist/i.test(String((e as Error).message ?? ""))) return true;
  }
  return false;
}

export type Readiness = { ready: true } | { ready: false; reason: "timeout" | "error" };

/**
 * `select 1` with a deadline: a database that hangs (network partition, exhausted pool) must make
 * readiness fail fast rather than hold the probe open. The query itself is left to finish or fail
 * on its own; the backend's own timeouts bound it.
 */
export async function probeDatabase(backend: DatabaseBackend, timeoutMs = 2000): Promise<Readiness> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<Readiness>((resolve) => {
    timer = setTimeout(() => resolve({ ready: false, reason: "timeout" }), timeoutMs);
  });
  const query = backend.fetchOne("SELECT 1 AS ok").then(
    (): Readiness => ({ ready: true }),
    (): Readiness => ({ ready: false, reason: "error" }),
  );
  try {
    return await Promise.race([query, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
