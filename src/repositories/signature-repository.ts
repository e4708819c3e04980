import type { DatabaseBackend } from "../backends/index.ts";
import { NotFoundError, ValidationError } from "../errors/index.ts";
import { type SqlParam, type SqlQuery, sql } from "../sql/index.ts";
import { byteOrder } from "./backend-fragments.ts";
import { COLUMN_LIMITS } from "./column-limits.ts";
import {
  bool,
  CATEGORIES,
  type Category,
  IOC_TYPES,
  nonEmptyText,
  oneOf,
  oneOfOrNull,
  PATTERN_TYPES,
  SEVERITIES,
  type Severity,
  text,
  textOrNullIn,
} from "./domain.ts";
import { containsIgnoreCase } from "./like.ts";
import { type PageOptions, page } from "./paging.ts";
import { countOf, whereAll } from "./query-parts.ts";
import {
  type NewSignature,
  type Signature,
  type SignatureChanges,
  signatureById,
  signatureOut,
} from "./signature-row.ts";
import { guardWrite, newId } from "./write-errors.ts";

export interface SignatureListOptions extends PageOptions {
  enabled?: boolean;
  campaign_id?: string;
  severity?: Severity;
  category?: Category;
  /** Case-insensitive substring of the name or pattern. */
  search?: string;
}

/** Column checks shared by create and update; each returns the value to bind. */
const CHECKS: { [K in keyof Required<SignatureChanges>]: (v: unknown) => SqlParam } = {
  name: (v) => nonEmptyText("name", v, COLUMN_LIMITS.signatures.name),
  description: (v) => text("description", v),
  severity: (v) => oneOf("severity", v, SEVERITIES),
  category: (v) => oneOf("category", v, CATEGORIES),
  pattern_type: (v) => oneOf("pattern_type", v, PATTERN_TYPES),
  pattern_value: (v) => nonEmptyText("pattern_value", v),
  ioc_type: (v) => oneOfOrNull("ioc_type", v, IOC_TYPES),
  campaign_id: (v) => textOrNullIn("campaign_id", v, COLUMN_LIMITS.id),
  source: (v) => nonEmptyText("source", v, COLUMN_LIMITS.signatures.source),
  enabled: (v) => bool("enabled", v),
};

export class SignatureRepository {
  constructor(private readonly db: DatabaseBackend) {}

  /** Ordered by id; bounded page. */
  async list(options: SignatureListOptions = {}): Promise<Signature[]> {
    const { limit, offset } = page(options);
    const rows = await this.db.fetchAll(
      sql`SELECT * FROM signatures${this.filter(options)} ORDER BY id ${byteOrder(this.db)} LIMIT ${limit} OFFSET ${offset}`,
    );
    return signatureOut.rows(rows);
  }

  /**
   * Every enabled signature, for the detectors, which need the whole set at once (the table
   * holds curated intelligence, not user data, so it stays small).
   */
  async listEnabled(): Promise<Signature[]> {
    const rows = await this.db.fetchAll(
      sql`SELECT * FROM signatures WHERE enabled = ${true} ORDER BY id ${byteOrder(this.db)}`,
    );
    return signatureOut.rows(rows);
  }

  async listByCampaign(campaignId: string): Promise<Signature[]> {
    const rows = await this.db.fetchAll(
      sql`SELECT * FROM signatures WHERE campaign_id = ${campaignId} ORDER BY id ${byteOrder(this.db)}`,
    );
    return signatureOut.rows(rows);
  }

  async count(options: Omit<SignatureListOptions, "limit" | "offset"> = {}): Promise<number> {
    return countOf(this.db, sql`SELECT COUNT(*) AS n FROM signatures${this.filter(options)}`);
  }

  async get(id: string): Promise<Signature | null> {
    return signatureById(this.db, id);
  }

  /** ConflictError if the id exists; ValidationError("campaign_id") if the campaign does not. */
  async create(input: NewSignature): Promise<Signature> {
    if (input === null || typeof input !== "object")
      throw new ValidationError("signature", "a signature must be an object");
    const id = input.id === undefined ? newId() : nonEmptyText("id", input.id, COLUMN_LIMITS.id);
    const values = [
      id,
      CHECKS.name(input.name),
      CHECKS.description(input.description),
      CHECKS.severity(input.severity),
      CHECKS.category(input.category),
      CHECKS.pattern_type(input.pattern_type),
      CHECKS.pattern_value(input.pattern_value),
      CHECKS.ioc_type(input.ioc_type),
      CHECKS.campaign_id(input.campaign_id),
      input.source === undefined ? "manual" : CHECKS.source(input.source),
      input.enabled === undefined ? true : CHECKS.enabled(input.enabled),
    ];
    const row = await guardWrite(
      () =>
        this.db.fetchOne(
          sql`INSERT INTO signatures (id, name, description, severity, category, pattern_type, pattern_value, ioc_type, campaign_id, source, enabled)
              VALUES (${sql.list(values)}) RETURNING *`,
        ),
      `A signature with id ${id} already exists`,
      "campaign_id",
    );
    return signatureOut(row as NonNullable<typeof row>);
  }

  /** Changes the given fields and stamps updated_at; NotFoundError if absent. */
  async update(id: string, changes: SignatureChanges): Promise<Signature> {
    if (changes === null || typeof changes !== "object") {
      throw new ValidationError("signature", "changes must be an object");
    }
    const sets: SqlQuery[] = [];
    for (const key of Object.keys(CHECKS) as (keyof typeof CHECKS)[]) {
      const value = changes[key];
      if (value === undefined) continue;
      sets.push(sql`${sql.ident(key)} = ${CHECKS[key](value)}`);
    }
    sets.push(sql`updated_at = CURRENT_TIMESTAMP`);
    const row = await guardWrite(
      () => this.db.fetchOne(sql`UPDATE signatures SET ${sql.join(sets)} WHERE id = ${id} RETURNING *`),
      `Signature ${id} conflicts with a stored row`,
      "campaign_id",
    );
    if (row === null) throw new NotFoundError(`Signature ${id} not found`);
    return signatureOut(row);
  }

  async delete(id: string): Promise<boolean> {
    const { rowCount } = await this.db.execute(sql`DELETE FROM signatures WHERE id = ${id}`);
    return rowCount > 0;
  }

  private filter(options: Omit<SignatureListOptions, "limit" | "offset">): SqlQuery {
    const where: SqlQuery[] = [];
    if (options.enabled !== undefined) where.push(sql`enabled = ${bool("enabled", options.enabled)}`);
    if (options.campaign_id !== undefined)
      where.push(sql`campaign_id = ${text("campaign_id", options.campaign_id)}`);
    if (options.severity !== undefined)
      where.push(sql`severity = ${oneOf("severity", options.severity, SEVERITIES)}`);
    if (options.category !== undefined)
      where.push(sql`category = ${oneOf("category", options.category, CATEGORIES)}`);
    if (options.search !== undefined && options.search !== "") {
      const needle = text("search", options.search);
      where.push(
        sql`(${containsIgnoreCase(sql`name`, needle)} OR ${containsIgnoreCase(sql`pattern_value`, needle)})`,
      );
    }
    return whereAll(where);
  }
}
