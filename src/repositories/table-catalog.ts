/*
 * Every table of the schema with its columns, key and the kind of value each column holds, in
 * foreign-key order (a table comes after the tables it references). For tools that move whole
 * tables (db:copy): the kinds say how a stored value reads the same on both backends (the
 * conversions the repositories use), so a row read from one database is written to the other
 * in the form the repositories write, and compared in the form they hand out.
 * schema_migrations is not here: each database's own migration run writes it.
 */

/** text (JSON columns included: TEXT on both), int, real, flag (INTEGER 0/1 · BOOLEAN), instant (TEXT · TIMESTAMP). */
export type ColumnKind = "text" | "int" | "real" | "flag" | "instant";

export interface CatalogTable {
  name: string;
  /** The primary key: one column, ordered the same way by every page read. */
  key: string;
  /** A generated integer key (AUTOINCREMENT / BIGSERIAL) whose counter follows copied ids. */
  identity: boolean;
  columns: readonly (readonly [string, ColumnKind])[];
}

/*
 * Columns are written `name` (text) or `name:kind`, in the table's own column order: one line of
 * text per table keeps the list readable beside the migrations it mirrors.
 */
function table(name: string, key: string, identity: boolean, spec: string): CatalogTable {
  const columns = spec
    .split(/\s+/)
    .filter(Boolean)
    .map((entry): readonly [string, ColumnKind] => {
      const [column = "", kind = "text"] = entry.split(":");
      if (!KINDS.has(kind)) throw new Error(`table-catalog: ${name}.${column} has an unknown kind ${kind}`);
      return [column, kind as ColumnKind];
    });
  return { name, key, identity, columns };
}

const KINDS: ReadonlySet<string> = new Set(["text", "int", "real", "flag", "instant"]);

export const TABLE_CATALOG: readonly CatalogTable[] = [
  table(
    "campaigns",
    "id",
    false,
    "id name description first_seen last_seen attributed_to iocs total_skills_affected:int " +
      "status created_at:instant updated_at:instant",
  ),
  table(
    "signatures",
    "id",
    false,
    "id name description severity category pattern_type pattern_value ioc_type campaign_id " +
      "source enabled:flag created_at:instant updated_at:instant",
  ),
  table(
    "publishers",
    "id",
    false,
    "id display_name first_seen last_seen total_skills:int malicious_skills:int " +
      "reputation_score:real is_known_threat_actor:flag campaigns notes created_at:instant " +
      "updated_at:instant",
  ),
  table(
    "scans",
    "id",
    false,
    "id target skill_name skill_author skill_sha256 status risk_score:int overall_severity " +
      "verdict layers_executed errors started_at completed_at duration_ms:int " +
      "created_at:instant",
  ),
  table(
    "findings",
    "id",
    false,
    "id scan_id rule_id title description severity confidence:real category detector_layer " +
      "line_start:int line_end:int snippet evidence ioc_values remediation detected_at:instant",
  ),
  table(
    "url_analysis",
    "id",
    false,
    "id scan_id url final_url status_code:int content_type redirect_chain is_malicious:flag " +
      "risk_indicators domain_reputation:real fetched_at:instant",
  ),
  table("api_usage", "id", true, "id:int api_key endpoint method status_code:int timestamp:instant"),
  table(
    "audit_log",
    "event_id",
    false,
    "event_id timestamp:instant event_type actor resource_type resource_id action details " + "ip_address",
  ),
  table("api_keys", "id", false, "id key_hash name role created_at:instant last_used:instant is_active:flag"),
  table(
    "scheduled_jobs",
    "id",
    false,
    "id name target_path schedule layers enabled:flag last_run:instant next_run:instant " +
      "created_at:instant",
  ),
  table(
    "job_runs",
    "id",
    false,
    "id job_id scan_id status verdict risk_score:int error started_at:instant " + "completed_at:instant",
  ),
];
