/**
 * The tables W1–W3 touch, declared for Drizzle (both dialects), with the migrations' column
 * names as property names, so a fixture's values map across unchanged. Instants and JSON
 * columns are text on the way in, as the raw side binds them; PostgreSQL TIMESTAMPs use
 * Drizzle's string mode (no Date round trip), its BIGINTs number mode.
 */
import {
  bigint,
  boolean,
  doublePrecision,
  integer as pgInteger,
  pgTable,
  text as pgText,
  timestamp,
} from "drizzle-orm/pg-core";
import { integer, real, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const sqliteScans = sqliteTable("scans", {
  id: text("id").primaryKey(),
  target: text("target").notNull(),
  skill_name: text("skill_name"),
  skill_author: text("skill_author"),
  skill_sha256: text("skill_sha256"),
  status: text("status").notNull(),
  risk_score: integer("risk_score"),
  overall_severity: text("overall_severity"),
  verdict: text("verdict"),
  layers_executed: text("layers_executed"),
  errors: text("errors"),
  started_at: text("started_at").notNull(),
  completed_at: text("completed_at"),
  duration_ms: integer("duration_ms"),
  created_at: text("created_at").notNull(),
});

export const sqliteFindings = sqliteTable("findings", {
  id: text("id").primaryKey(),
  scan_id: text("scan_id").notNull(),
  rule_id: text("rule_id").notNull(),
  title: text("title").notNull(),
  description: text("description").notNull(),
  severity: text("severity").notNull(),
  confidence: real("confidence").notNull(),
  category: text("category").notNull(),
  detector_layer: text("detector_layer").notNull(),
  line_start: integer("line_start"),
  line_end: integer("line_end"),
  snippet: text("snippet"),
  evidence: text("evidence"),
  ioc_values: text("ioc_values"),
  remediation: text("remediation"),
  detected_at: text("detected_at").notNull(),
});

export const sqliteUrlAnalysis = sqliteTable("url_analysis", {
  id: text("id").primaryKey(),
  scan_id: text("scan_id").notNull(),
  url: text("url").notNull(),
  final_url: text("final_url"),
  status_code: integer("status_code"),
  content_type: text("content_type"),
  redirect_chain: text("redirect_chain"),
  is_malicious: integer("is_malicious"),
  risk_indicators: text("risk_indicators"),
  domain_reputation: real("domain_reputation"),
  fetched_at: text("fetched_at").notNull(),
});

export const pgScans = pgTable("scans", {
  id: pgText("id").primaryKey(),
  target: pgText("target").notNull(),
  skill_name: pgText("skill_name"),
  skill_author: pgText("skill_author"),
  skill_sha256: pgText("skill_sha256"),
  status: pgText("status").notNull(),
  risk_score: bigint("risk_score", { mode: "number" }),
  overall_severity: pgText("overall_severity"),
  verdict: pgText("verdict"),
  layers_executed: pgText("layers_executed"),
  errors: pgText("errors"),
  started_at: pgText("started_at").notNull(),
  completed_at: pgText("completed_at"),
  duration_ms: bigint("duration_ms", { mode: "number" }),
  created_at: timestamp("created_at", { mode: "string" }).notNull(),
});

export const pgFindings = pgTable("findings", {
  id: pgText("id").primaryKey(),
  scan_id: pgText("scan_id").notNull(),
  rule_id: pgText("rule_id").notNull(),
  title: pgText("title").notNull(),
  description: pgText("description").notNull(),
  severity: pgText("severity").notNull(),
  confidence: doublePrecision("confidence").notNull(),
  category: pgText("category").notNull(),
  detector_layer: pgText("detector_layer").notNull(),
  line_start: pgInteger("line_start"),
  line_end: pgInteger("line_end"),
  snippet: pgText("snippet"),
  evidence: pgText("evidence"),
  ioc_values: pgText("ioc_values"),
  remediation: pgText("remediation"),
  detected_at: timestamp("detected_at", { mode: "string" }).notNull(),
});

export const pgUrlAnalysis = pgTable("url_analysis", {
  id: pgText("id").primaryKey(),
  scan_id: pgText("scan_id").notNull(),
  url: pgText("url").notNull(),
  final_url: pgText("final_url"),
  status_code: pgInteger("status_code"),
  content_type: pgText("content_type"),
  redirect_chain: pgText("redirect_chain"),
  is_malicious: boolean("is_malicious"),
  risk_indicators: pgText("risk_indicators"),
  domain_reputation: doublePrecision("domain_reputation"),
  fetched_at: timestamp("fetched_at", { mode: "string" }).notNull(),
});
