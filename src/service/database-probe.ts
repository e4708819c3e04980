import { type DatabaseBackend, permanentFaultCause } from "../backends/index.ts";

export type Readiness =
  | { ready: true }
  | { ready: false; reason: "timeout" | "error" }
  /** A fault no retry fixes (read-only file, full disk, …); `cause` says which, for clients. */
  | { ready: false; reason: "fault"; cause: string }
  | { ready: false; reason: "read-only"; detail: string };

/**
 * The backend's readiness check (`select 1`, and on SQLite a write that changes nothing) with a deadline: a database that hangs (network partition, exhausted pool) must make
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
    .checkReady()
    .then(() => backend.readOnlyReason())
    .then(
      (detail): Readiness =>
        detail === null ? { ready: true } : { ready: false, reason: "read-only", detail },
      (error: unknown): Readiness => {
        const cause = permanentFaultCause(error);
        return cause === null ? { ready: false, reason: "error" } : { ready: false, reason: "fault", cause };
      },
    );
  try {
    return await Promise.race([query, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
