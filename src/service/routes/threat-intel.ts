import { z } from "zod";
import { endpoint } from "../endpoint.ts";
import { itemRoute, listRoute } from "../route-shapes.ts";
import * as out from "../schemas/responses.ts";
import type { ServiceApp } from "../service-app.ts";

const campaignListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).default(0),
  status: z.string().max(32).optional(),
});

/** Campaigns and publishers: curated intelligence, read-only over HTTP. */
export function threatIntelRoutes(app: ServiceApp) {
  return {
    "/api/v1/campaigns": endpoint(app, {
      GET: listRoute(
        "campaigns:read",
        {
          summary: "List threat campaigns",
          query: campaignListQuery,
          responses: { 200: { description: "Campaigns", schema: out.campaignListOut } },
        },
        "campaigns",
        (query) => app.listRepos.campaigns.list(query),
      ),
    }),
    "/api/v1/campaigns/:id": endpoint(app, {
      GET: itemRoute("campaigns:read", "Campaign", {
        summary: "One campaign with its signatures",
        schema: out.campaignWithSignaturesOut,
        get: (id) => app.repos.campaigns.getWithSignatures(id),
      }),
    }),
    "/api/v1/publishers/:id": endpoint(app, {
      GET: itemRoute("publishers:read", "Publisher", {
        summary: "One skill publisher",
        schema: out.publisherOut,
        get: (id) => app.repos.publishers.get(id),
      }),
    }),
  };
}
