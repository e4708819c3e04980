import { endpoint } from "../endpoint.ts";
import { HttpError, notFound } from "../http-error.ts";
import { json } from "../json.ts";
import { bodyRoute, listRoute } from "../route-shapes.ts";
import { keyCreate, keyListQuery } from "../schemas/key.ts";
import * as out from "../schemas/responses.ts";
import type { ServiceApp } from "../service-app.ts";

export function keyRoutes(app: ServiceApp) {
  return {
    "/api/v1/keys": endpoint(app, {
      GET: listRoute(
        "keys:manage",
        {
          summary: "List API keys (never their hashes), revoked ones included",
          query: keyListQuery,
          responses: { 200: { description: "Keys, oldest first", schema: out.apiKeyListOut } },
        },
        "keys",
        // The repository hands out keys without their hashes; nothing here can leak one.
        ({ active }) => app.repos.apiKeys.list({ activeOnly: active === true }),
      ),
      POST: bodyRoute(
        "keys:manage",
        {
          summary: "Make an API key (audited); the key is in this answer and nowhere else",
          body: keyCreate,
          responses: { 201: { description: "The new key", schema: out.apiKeyCreatedOut } },
          errors: [413, 415],
        },
        async (input, rc) => {
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
      ),
    }),
    "/api/v1/keys/:id": endpoint(app, {
      DELETE: {
        permission: "keys:manage",
        doc: {
          summary: "Revoke an API key (audited); 409 if it is already revoked",
          responses: { 200: { description: "The key, now revoked", schema: out.apiKeyRevokedOut } },
          errors: [404, 409],
        },
        async handle(rc) {
          const id = rc.params.id ?? "";
          // Read and revoke in the change's transaction: a revoke that finds the key already
          // revoked writes nothing and audits nothing, and says so.
          const revoked = await app.change(rc, async (repos) => {
            const key = await repos.apiKeys.get(id);
            if (key === null) throw notFound(`API key ${id} not found.`);
            if (!key.is_active) throw new AlreadyRevoked(id);
            await repos.apiKeys.revoke(id);
            return {
              result: { ...key, is_active: false },
              audit: {
                event_type: "api_key_revoked",
                resource_type: "api_key",
                resource_id: id,
                action: "delete",
                details: { name: key.name, key_role: key.role },
              },
            };
          });
          return json({ key: revoked, revoked: true });
        },
      },
    }),
  };
}

/** Revoking twice is the caller's mistake, said plainly; the key stays as it was. */
class AlreadyRevoked extends HttpError {
  constructor(id: string) {
    super(409, "ALREADY_REVOKED", `API key ${id} is already revoked.`);
  }
}
