import type { DatabaseBackend, Row } from "../backends/index.ts";
import { ValidationError } from "../errors/index.ts";
import { type SqlQuery, sql } from "../sql/index.ts";
import { byteOrder } from "./backend-fragments.ts";
import { integerOrNull, jsonArrayIn, nonEmptyText, stringItem, text, textOrNullIn } from "./domain.ts";
import { containsIgnoreCase } from "./like.ts";
import { type PageOptions, page } from "./paging.ts";
import { rowById, whereAll } from "./query-parts.ts";
import { type Instant, rowConverter } from "./row-convert.ts";
import { SignatureRepository } from "./signature-repository.ts";
import type { Signature } from "./signature-row.ts";

export interface Campaign {
  id: string;
  name: string;
  description: string;
  /** Free-form dates upstream (VARCHAR(32)): returned as stored. */
  first_seen: string;
  last_seen: string;
  attributed_to: string | null;
  iocs: string[];
  total_skills_affected: number | null;
  status: string;
  created_at: Instant;
  updated_at: Instant;
}

const campaignOut = rowConverter<Campaign>({
  id: "value",
  name: "value",
  description: "value",
  first_seen: "value",
  last_seen: "value",
  attributed_to: "nullable",
  iocs: "list",
  total_skills_affected: "number",
  status: "value",
  created_at: "instant",
  updated_at: "instant",
});

export interface CampaignInput {
  id: string;
  name: string;
  description: string;
  first_seen: string;
  last_seen: string;
  attributed_to?: string | null;
  iocs?: string[];
  total_skills_affected?: number | null;
  status?: string;
}

export interface CampaignWithSignatures extends Campaign {
  signatures: Signature[];
}

export interface CampaignListOptions extends PageOptions {
  status?: string;
  /** Case-insensitive substring of the name. */
  search?: string;
}

const campaignById = rowById("campaigns", campaignOut);

export class CampaignRepository {
  constructor(private readonly db: DatabaseBackend) {}

  /** Ordered by id; bounded page. */
  async list(options: CampaignListOptions = {}): Promise<Campaign[]> {
    const { limit, offset } = page(options);
    const where: SqlQuery[] = [];
    if (options.status !== undefined) where.push(sql`status = ${text("status", options.status, 32)}`);
    if (options.search !== undefined && options.search !== "") {
      where.push(containsIgnoreCase(sql`name`, text("search", options.search)));
    }
    const filter = whereAll(where);
    const rows = await this.db.fetchAll(
      sql`SELECT * FROM campaigns${filter} ORDER BY id ${byteOrder(this.db)} LIMIT ${limit} OFFSET ${offset}`,
    );
    return campaignOut.rows(rows);
  }

  async get(id: string): Promise<Campaign | null> {
    return campaignById(this.db, id);
  }

  /** The campaign and its signatures (by id); null if absent. */
  async getWithSignatures(id: string): Promise<CampaignWithSignatures | null> {
    const campaign = await this.get(id);
    if (campaign === null) return null;
    return { ...campaign, signatures: await this.signaturesOf(id) };
  }

  async signaturesOf(id: string): Promise<Signature[]> {
    return new SignatureRepository(this.db).listByCampaign(id);
  }

  /** Inserts, or replaces every given column of an existing campaign and stamps updated_at. */
  async upsert(input: CampaignInput): Promise<Campaign> {
    if (input === null || typeof input !== "object")
      throw new ValidationError("campaign", "a campaign must be an object");
    const values = [
      nonEmptyText("id", input.id, 255),
      nonEmptyText("name", input.name, 255),
      text("description", input.description),
      text("first_seen", input.first_seen, 32),
      text("last_seen", input.last_seen, 32),
      textOrNullIn("attributed_to", input.attributed_to, 512),
      jsonArrayIn("iocs", input.iocs, stringItem),
      input.total_skills_affected === undefined
        ? 0
        : integerOrNull("total_skills_affected", input.total_skills_affected, 0),
      input.status === undefined ? "active" : nonEmptyText("status", input.status, 32),
    ];
    const row = await this.db.fetchOne(
      sql`INSERT INTO campaigns (id, name, description, first_seen, last_seen, attributed_to, iocs, total_skills_affected, status)
          VALUES (${sql.list(values)})
          ON CONFLICT (id) DO UPDATE SET name = excluded.name, description = excluded.description,
            first_seen = excluded.first_seen, last_seen = excluded.last_seen, attributed_to = excluded.attributed_to,
            iocs = excluded.iocs, total_skills_affected = excluded.total_skills_affected, status = excluded.status,
            updated_at = CURRENT_TIMESTAMP
          RETURNING *`,
    );
    return campaignOut(row as Row);
  }
}
