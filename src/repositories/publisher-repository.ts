import type { DatabaseBackend, Row } from "../backends/index.ts";
import { ValidationError } from "../errors/index.ts";
import { type SqlQuery, sql } from "../sql/index.ts";
import { byteOrder } from "./backend-fragments.ts";
import {
  bool,
  finite,
  integer,
  jsonArrayIn,
  nonEmptyText,
  stringItem,
  text,
  textOrNullIn,
} from "./domain.ts";
import { containsIgnoreCase } from "./like.ts";
import { type PageOptions, page } from "./paging.ts";
import { rowById, whereAll } from "./query-parts.ts";
import { type Instant, rowConverter } from "./row-convert.ts";

export interface Publisher {
  id: string;
  display_name: string | null;
  first_seen: string | null;
  last_seen: string | null;
  total_skills: number | null;
  malicious_skills: number | null;
  reputation_score: number | null;
  /** A NULL left by an older writer reads as false. */
  is_known_threat_actor: boolean;
  campaigns: string[];
  notes: string | null;
  created_at: Instant;
  updated_at: Instant;
}

const publisherOut = rowConverter<Publisher>({
  id: "value",
  display_name: "nullable",
  first_seen: "nullable",
  last_seen: "nullable",
  total_skills: "number",
  malicious_skills: "number",
  reputation_score: "number",
  is_known_threat_actor: "flag",
  campaigns: "list",
  notes: "nullable",
  created_at: "instant",
  updated_at: "instant",
});

export interface PublisherInput {
  id: string;
  display_name?: string | null;
  first_seen?: string | null;
  last_seen?: string | null;
  total_skills?: number;
  malicious_skills?: number;
  reputation_score?: number;
  is_known_threat_actor?: boolean;
  campaigns?: string[];
  notes?: string;
}

export interface PublisherListOptions extends PageOptions {
  known_threat_actor?: boolean;
  /** Case-insensitive substring of the id or display name. */
  search?: string;
}

const publisherById = rowById("publishers", publisherOut);

export class PublisherRepository {
  constructor(private readonly db: DatabaseBackend) {}

  /** Ordered by id; bounded page. */
  async list(options: PublisherListOptions = {}): Promise<Publisher[]> {
    const { limit, offset } = page(options);
    const where: SqlQuery[] = [];
    if (options.known_threat_actor !== undefined) {
      where.push(sql`is_known_threat_actor = ${bool("known_threat_actor", options.known_threat_actor)}`);
    }
    if (options.search !== undefined && options.search !== "") {
      const needle = text("search", options.search);
      where.push(
        sql`(${containsIgnoreCase(sql`id`, needle)} OR ${containsIgnoreCase(sql`display_name`, needle)})`,
      );
    }
    const filter = whereAll(where);
    const rows = await this.db.fetchAll(
      sql`SELECT * FROM publishers${filter} ORDER BY id ${byteOrder(this.db)} LIMIT ${limit} OFFSET ${offset}`,
    );
    return publisherOut.rows(rows);
  }

  async get(id: string): Promise<Publisher | null> {
    return publisherById(this.db, id);
  }

  /** Inserts, or replaces every column of an existing publisher (defaults for those not given). */
  async upsert(input: PublisherInput): Promise<Publisher> {
    if (input === null || typeof input !== "object")
      throw new ValidationError("publisher", "a publisher must be an object");
    const total = input.total_skills === undefined ? 0 : integer("total_skills", input.total_skills, 0);
    const malicious =
      input.malicious_skills === undefined ? 0 : integer("malicious_skills", input.malicious_skills, 0);
    const values = [
      nonEmptyText("id", input.id, 255),
      textOrNullIn("display_name", input.display_name, 255),
      textOrNullIn("first_seen", input.first_seen, 32),
      textOrNullIn("last_seen", input.last_seen, 32),
      total,
      malicious,
      input.reputation_score === undefined ? 0.5 : finite("reputation_score", input.reputation_score, 0, 1),
      input.is_known_threat_actor === undefined
        ? false
        : bool("is_known_threat_actor", input.is_known_threat_actor),
      jsonArrayIn("campaigns", input.campaigns, stringItem),
      input.notes === undefined ? "" : text("notes", input.notes),
    ];
    const row = await this.db.fetchOne(
      sql`INSERT INTO publishers (id, display_name, first_seen, last_seen, total_skills, malicious_skills, reputation_score, is_known_threat_actor, campaigns, notes)
          VALUES (${sql.list(values)})
          ON CONFLICT (id) DO UPDATE SET display_name = excluded.display_name, first_seen = excluded.first_seen,
            last_seen = excluded.last_seen, total_skills = excluded.total_skills,
            malicious_skills = excluded.malicious_skills, reputation_score = excluded.reputation_score,
            is_known_threat_actor = excluded.is_known_threat_actor, campaigns = excluded.campaigns,
            notes = excluded.notes, updated_at = CURRENT_TIMESTAMP
          RETURNING *`,
    );
    return publisherOut(row as Row);
  }
}
