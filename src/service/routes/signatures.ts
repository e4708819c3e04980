import { NotFoundError, ValidationError } from "../../errors/index.ts";
import type { Repositories } from "../../repositories/index.ts";
import { endpoint } from "../endpoint.ts";
import { json } from "../json.ts";
import { bodyRoute, itemRoute, listRoute } from "../route-shapes.ts";
import * as out from "../schemas/responses.ts";
import { checkPattern, signatureCreate, signatureListQuery, signatureUpdate } from "../schemas/signature.ts";
import type { ServiceApp } from "../service-app.ts";

/**
 * A dangling campaign_id is the client's mistake, not a conflict: checked inside the change's
 * transaction so the answer names the field on both backends.
 */
async function checkCampaign(repos: Repositories, campaignId: string | null | undefined): Promise<void> {
  if (campaignId == null) return;
  if ((await repos.campaigns.get(campaignId)) === null) {
    throw new ValidationError("campaign_id", `campaign_id: no campaign with id ${campaignId}`);
  }
}

export function signatureRoutes(app: ServiceApp) {
  return {
    "/api/v1/signatures": endpoint(app, {
      GET: listRoute(
        "signatures:read",
        {
          summary: "List detection signatures",
          query: signatureListQuery,
          responses: { 200: { description: "Signatures", schema: out.signatureListOut } },
        },
        "signatures",
        (query) => app.listRepos.signatures.list(query),
      ),
      POST: bodyRoute(
        "signatures:write",
        {
          summary: "Create a signature (audited)",
          body: signatureCreate,
          responses: { 201: { description: "The signature as stored", schema: out.signatureOut } },
          errors: [409, 413, 415],
        },
        async (input, rc) => {
          const created = await app.change(rc, async (repos) => {
            await checkCampaign(repos, input.campaign_id);
            const signature = await repos.signatures.create(input);
            return {
              result: signature,
              audit: {
                event_type: "signature_created",
                resource_type: "signature",
                resource_id: signature.id,
                action: "create",
              },
            };
          });
          return json(created, 201, { location: `/api/v1/signatures/${encodeURIComponent(created.id)}` });
        },
      ),
    }),
    "/api/v1/signatures/:id": endpoint(app, {
      GET: itemRoute("signatures:read", "Signature", {
        summary: "One signature",
        schema: out.signatureOut,
        get: (id) => app.repos.signatures.get(id),
      }),
      PUT: bodyRoute(
        "signatures:write",
        {
          summary: "Change some of a signature's fields (audited)",
          body: signatureUpdate,
          responses: { 200: { description: "The signature after the change", schema: out.signatureOut } },
          errors: [404, 413, 415],
        },
        async (changes, rc) => {
          const id = rc.params.id ?? "";
          const updated = await app.change(rc, async (repos) => {
            const current = await repos.signatures.get(id);
            if (current === null) throw new NotFoundError(`Signature ${id} not found.`);
            // Type and value are checked as the pair they will be once stored.
            checkPattern(
              changes.pattern_type ?? current.pattern_type,
              changes.pattern_value ?? current.pattern_value,
            );
            await checkCampaign(repos, changes.campaign_id);
            const signature = await repos.signatures.update(id, changes);
            return {
              result: signature,
              audit: {
                event_type: "signature_updated",
                resource_type: "signature",
                resource_id: id,
                action: "update",
                details: { fields: Object.keys(changes).sort() },
              },
            };
          });
          return json(updated);
        },
      ),
      DELETE: {
        permission: "signatures:write",
        doc: {
          summary: "Delete a signature (audited)",
          responses: { 204: { description: "Deleted", schema: null } },
          errors: [404],
        },
        async handle(rc) {
          const id = rc.params.id ?? "";
          await app.change(rc, async (repos) => {
            if (!(await repos.signatures.delete(id))) throw new NotFoundError(`Signature ${id} not found.`);
            return {
              result: undefined,
              audit: {
                event_type: "signature_deleted",
                resource_type: "signature",
                resource_id: id,
                action: "delete",
              },
            };
          });
          return new Response(null, { status: 204 });
        },
      },
    }),
  };
}
