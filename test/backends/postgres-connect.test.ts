import { describe, expect, test } from "bun:test";
import { createServer } from "node:net";
import { PostgresDatabase } from "../../src/backends/postgres/index.ts";
import { StorageError } from "../../src/errors/index.ts";
import { ADMIN_URL, describePostgres } from "../support/postgres.ts";
import { rejectionOf } from "../support/rejection.ts";
import { uniqueAppName } from "./postgres-support.ts";

/** A port nothing listens on: bound by the OS, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("postgres start-up retry", () => {
  test("a closed port is retried for connectTimeout, then a StorageError naming host and db, not the password", async () => {
    const port = await closedPort();
    const started = performance.now();
    const error = await rejectionOf(
      PostgresDatabase.create(`postgres://malwar:s3cr3t-pw@127.0.0.1:${port}/malwar_db`, {
        min: 1,
        max: 2,
        connectTimeout: 1,
      }),
    );
    const elapsedMs = performance.now() - started;
    expect(error).toBeInstanceOf(StorageError);
    const message = (error as StorageError).message;
    expect(message).toContain(`127.0.0.1:${port}/malwar_db`);
    expect(message).not.toContain("s3cr3t-pw");
    expect(message).toMatch(/after \d+ attempts/);
    expect(Number(/after (\d+) attempts/.exec(message)?.[1])).toBeGreaterThan(1);
    expect((error as StorageError).code).toBe("CONNECTION_FAILED");
    expect((error as StorageError).cause).toBeDefined();
    // It kept trying until the deadline rather than giving up at the first refusal.
    expect(elapsedMs).toBeGreaterThanOrEqual(900);
  });
});

describePostgres("postgres start-up against a real server", (getDb) => {
  test("a server that starts answering during connectTimeout is waited for", async () => {
    const port = await closedPort();
    const target = new URL(ADMIN_URL);
    // Nothing listens yet: create() is refused and retries. A forwarding proxy then opens the port.
    const url = new URL(getDb().url);
    url.host = `127.0.0.1:${port}`;
    const app = uniqueAppName("late");
    const creating = PostgresDatabase.create(url.toString(), {
      min: 2,
      max: 2,
      connectTimeout: 20,
      applicationName: app,
    });
    let settled = false;
    creating.then(
      () => {
        settled = true;
      },
      () => {
        settled = true;
      },
    );
    await Bun.sleep(300);
    // Still trying: the first attempts were refused.
    expect(settled).toBe(false);
    const proxy = Bun.listen<{
      upstream?: Promise<import("bun").Socket<{ client: import("bun").Socket<unknown> }>>;
    }>({
      hostname: "127.0.0.1",
      port,
      socket: {
        open(client) {
          client.data = {
            upstream: Bun.connect({
              hostname: target.hostname,
              port: Number(target.port || 5432),
              data: { client: client as import("bun").Socket<unknown> },
              socket: {
                data(up, chunk) {
                  up.data.client.write(chunk);
                },
                close(up) {
                  up.data.client.end();
                },
                error(up) {
                  up.data.client.end();
                },
              },
            }),
          };
        },
        async data(client, chunk) {
          (await client.data.upstream)?.write(chunk);
        },
        async close(client) {
          (await client.data.upstream)?.end();
        },
      },
    });
    try {
      const db = await creating;
      try {
        expect(db.poolStats().open).toBe(2);
        expect(await db.fetchOne("select current_database() as d")).toEqual({ d: getDb().name });
      } finally {
        await db.close();
      }
    } finally {
      proxy.stop(true);
    }
  });

  test("a database that does not exist fails at once, naming it", async () => {
    const url = new URL(getDb().url);
    url.pathname = "/malwar_no_such_db";
    url.password = "hunter2-secret";
    const error = await rejectionOf(
      PostgresDatabase.create(url.toString(), { min: 1, max: 1, connectTimeout: 30 }),
    );
    expect(error).toBeInstanceOf(StorageError);
    const message = (error as StorageError).message;
    expect(message).toContain("malwar_no_such_db");
    expect(message).not.toContain("hunter2-secret");
    // Not retried: a missing database will not appear by waiting.
    expect(message).not.toMatch(/attempts/);
  });
});
