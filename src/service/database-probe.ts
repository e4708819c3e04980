import type { DatabaseBackend } from "../backends/index.ts";

export type Readiness =
  | { ready: true }
  | { ready: false; reason: "timeout" | "error" }
  | { ready: false; reason: "read-only"; detail: string };

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
  // A hot standby answers queries but refuses every write: not ready to serve this API.
  const query = backend
    .fetchOne("SELECT 1 AS ok")
    .then(() => backend.readOnlyReason())
    .then(
      (detail): Readiness =>
        detail === null ? { ready: true } : { ready: false, reason: "read-only", detail },
      (): Readiness => ({ ready: false, reason: "error" }),
    );
  try {
    return await Promise.race([query, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
