import { z } from "zod";
import { endpoint } from "../../src/service/endpoint.ts";
import { json } from "../../src/service/json.ts";
import { parseOrThrow, queryObject } from "../../src/service/schemas/parse.ts";
import type { ServiceApp } from "../../src/service/service-app.ts";

const slowQuery = z.strictObject({ ms: z.coerce.number().int().min(0).max(60_000).default(1000) });

/**
 * Mounted by start-with-slow-route.ts for the shutdown tests: a request that is still in flight when the
 * process is told to stop. It touches the database after its wait, so it fails if the backend
 * was closed under it.
 */
export function testSlowRoutes(app: ServiceApp) {
  return {
    "/api/v1/test/slow": endpoint(app, {
      GET: {
        permission: null,
        doc: {
          summary: "Test only: answers after a delay (mounted for shutdown tests)",
          query: slowQuery,
          responses: {
            200: {
              description: "Slept",
              schema: z.object({ slept_ms: z.number().int(), database: z.boolean() }),
            },
          },
        },
        async handle({ url, requestId }) {
          const { ms } = parseOrThrow(slowQuery, queryObject(url), "query");
          // Tests wait for this line before signalling, so the request is known to be in flight.
          app.logger.info({ request_id: requestId }, `test/slow: request started (${ms} ms)`);
          await Bun.sleep(ms);
          const row = await app.backend.fetchOne<{ ok: unknown }>("SELECT 1 AS ok");
          return json({ slept_ms: ms, database: Number(row?.ok) === 1 });
        },
      },
    }),
  };
}
