import { endpoint } from "../endpoint.ts";
import { json } from "../json.ts";
import { readJsonBody } from "../read-body.ts";
import { keyCreate } from "../schemas/key.ts";
import { parseOrThrow } from "../schemas/parse.ts";
import type { ServiceApp } from "../service-app.ts";

export function keyRoutes(app: ServiceApp) {
  return {
    "/api/v1/keys": endpoint(app, {
      POST: {
        permission: "keys:manage",
        async handle(rc) {
          const input = parseOrThrow(keyCreate, await readJsonBody(rc.req));
          const created = await app.change(rc, async (repos) => {
            const { key, record } = await repos.apiKeys.create(input);
            return {
              result: { ...record, key },
              // The raw key stays out of the audit trail: only who made which key, with what role.
              audit: {
                event_type: "api_key_created",
                resource_type: "api_key",
                resource_id: record.id,
                action: "create",
                details: { name: record.name, key_role: record.role },
              },
            };
          });
          return json(created, 201);
        },
      },
    }),
  };
}
