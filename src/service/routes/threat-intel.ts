import { z } from "zod";
import { endpoint } from "../endpoint.ts";
import { notFound } from "../http-error.ts";
import { json } from "../json.ts";
import { parseOrThrow, queryObject } from "../schemas/parse.ts";
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
      GET: {
        permission: "campaigns:read",
        doc: {
          summary: "List threat campaigns",
          query: campaignListQuery,
          responses: { 200: { description: "Campaigns", schema: out.campaignListOut } },
        },
        async handle({ url }) {
          const query = parseOrThrow(campaignListQuery, queryObject(url), "query");
          const campaigns = await app.listRepos.campaigns.list(query);
          return json({ campaigns, count: campaigns.length });
        },
      },
    }),
    "/api/v1/campaigns/:id": endpoint(app, {
      GET: {
        permission: "campaigns:read",
        doc: {
          summary: "One campaign with its signatures",
          responses: { 200: { description: "The campaign", schema: out.campaignWithSignaturesOut } },
          errors: [404],
        },
        async handle({ params }) {
          const id = params.id ?? "";
          const campaign = await app.repos.campaigns.getWithSignatures(id);
          if (campaign === null) throw notFound(`Campaign ${id} not found.`);
          return json(campaign);
        },
      },
    }),
    "/api/v1/publishers/:id": endpoint(app, {
      GET: {
        permission: "publishers:read",
        doc: {
          summary: "One skill publisher",
          responses: { 200: { description: "The publisher", schema: out.publisherOut } },
          errors: [404],
        },
        async handle({ params }) {
          const id = params.id ?? "";
          const publisher = await app.repos.publishers.get(id);
          if (publisher === null) throw notFound(`Publisher ${id} not found.`);
          return json(publisher);
        },
      },
    }),
  };
}
