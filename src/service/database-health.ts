export interface DatabaseHealth {
  database: "up" | "down";
  /** The highest applied migration, as last read; null until the database has answered once. */
  schemaVersion: number | null;
}

/**
 * What GET /health says about the database, without ever waiting on it for long: liveness must
 * answer while the database is gone or hangs, so the schema-version read doubles as the probe,
 * raced against a short deadline, and the last version read is kept for when it loses. One probe
 * at a time: health calls while it runs share it, so a hanging database never piles up queries.
 */
export class DatabaseHealthCheck {
  readonly #readVersion: () => Promise<number>;
  #version: number | null = null;
  #inFlight: Promise<boolean> | null = null;

  /** `readVersion`: the highest applied migration, read from the database. */
  constructor(readVersion: () => Promise<number>) {
    this.#readVersion = readVersion;
  }

  async check(timeoutMs: number): Promise<DatabaseHealth> {
    this.#inFlight ??= this.#readVersion().then(
      (version) => {
        this.#version = version;
        return true;
      },
      () => false,
    );
    const probe = this.#inFlight;
    void probe.finally(() => {
      if (this.#inFlight === probe) this.#inFlight = null;
    });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    try {
      const up = await Promise.race([probe, late]);
      return { database: up ? "up" : "down", schemaVersion: this.#version };
    } finally {
      clearTimeout(timer);
    }
  }
}
