/**
 * Both dialects' migrations build the same schema: same tables, columns in the same order with
 * the same nullability and defaults (in kind), same primary keys, foreign keys and indexes; and
 * every PostgreSQL column has the type SCHEMA.md's mapping gives it. Read from each database's
 * own catalog after `runMigrations`, not from the SQL files.
 */
import { expect, test } from "bun:test";
import type { DatabaseBackend } from "../../src/backends/database-backend.ts";
import { runMigrations } from "../../src/migrate/index.ts";
import { describePostgres } from "../support/postgres.ts";
import { DIALECTS, eachDialect, withFresh } from "./harness.ts";

interface Column {
  name: string;
  /** The PostgreSQL type in short form (varchar(N), timestamp, double, …) or SQLite's declared type. */
  type: string;
  notNull: boolean;
  defaultKind: string;
}
interface Schema {
  tables: Record<string, Column[]>;
  primaryKeys: Record<string, string[]>;
  foreignKeys: string[];
  indexes: string[];
}

/** SCHEMA.md's PostgreSQL side, column by column in order. */
const EXPECTED_POSTGRES_TYPES: Record<string, string> = {
  campaigns:
    "id varchar(255), name varchar(255), description text, first_seen varchar(32), last_seen varchar(32), attributed_to varchar(512), iocs text, total_skills_affected bigint, status varchar(32), created_at timestamp, updated_at timestamp",
  scans:
    "id varchar(255), target text, skill_name varchar(255), skill_author varchar(255), skill_sha256 varchar(64), status varchar(32), risk_score bigint, overall_severity varchar(32), verdict varchar(32), layers_executed text, errors text, started_at varchar(64), completed_at varchar(64), duration_ms bigint, created_at timestamp",
  findings:
    "id varchar(255), scan_id varchar(255), rule_id varchar(255), title varchar(512), description text, severity varchar(32), confidence double, category varchar(64), detector_layer varchar(64), line_start integer, line_end integer, snippet text, evidence text, ioc_values text, remediation text, detected_at timestamp",
  signatures:
    "id varchar(255), name varchar(255), description text, severity varchar(32), category varchar(64), pattern_type varchar(32), pattern_value text, ioc_type varchar(32), campaign_id varchar(255), source varchar(64), enabled boolean, created_at timestamp, updated_at timestamp",
  publishers:
    "id varchar(255), display_name varchar(255), first_seen varchar(32), last_seen varchar(32), total_skills bigint, malicious_skills bigint, reputation_score double, is_known_threat_actor boolean, campaigns text, notes text, created_at timestamp, updated_at timestamp",
  url_analysis:
    "id varchar(255), scan_id varchar(255), url text, final_url text, status_code integer, content_type varchar(128), redirect_chain text, is_malicious boolean, risk_indicators text, domain_reputation double, fetched_at timestamp",
  api_usage:
    "id bigint, api_key varchar(255), endpoint varchar(512), method varchar(16), status_code integer, timestamp timestamp",
  audit_log:
    "event_id varchar(255), timestamp timestamp, event_type varchar(64), actor varchar(128), resource_type varchar(64), resource_id varchar(255), action varchar(64), details text, ip_address varchar(45)",
  api_keys:
    "id varchar(255), key_hash varchar(255), name varchar(255), role varchar(32), created_at timestamp, last_used timestamp, is_active boolean",
  scheduled_jobs:
    "id varchar(255), name varchar(255), target_path text, schedule varchar(128), layers varchar(512), enabled boolean, last_run timestamp, next_run timestamp, created_at timestamp",
  job_runs:
    "id varchar(255), job_id varchar(255), scan_id varchar(255), status varchar(32), verdict varchar(32), risk_score bigint, error text, started_at timestamp, completed_at timestamp",
  schema_migrations:
    "version integer, name varchar(255), applied_at timestamp, checksum varchar(64), duration_ms bigint",
};

/** Which SQLite storage class each PostgreSQL type maps back to. */
const SQLITE_TYPE_OF: Record<string, string | undefined> = {
  text: "TEXT",
  timestamp: "TEXT",
  bigint: "INTEGER",
  integer: "INTEGER",
  boolean: "INTEGER",
  double: "REAL",
};

function defaultKind(raw: string | null, autoincrement: boolean): string {
  if (autoincrement) return "sequence";
  if (raw === null) return "none";
  if (/^nextval\(/i.test(raw)) return "sequence";
  if (/^(now\(\)|CURRENT_TIMESTAMP|datetime\('now'\))$/i.test(raw)) return "now";
  const literal = /^'(.*)'(::[\w ]+)?$/s.exec(raw);
  if (literal) return `text ${literal[1]}`;
  if (raw === "true" || raw === "false") return `number ${raw === "true" ? 1 : 0}`;
  if (!Number.isNaN(Number(raw))) return `number ${Number(raw)}`;
  return `other ${raw}`;
}

async function sqliteSchema(db: DatabaseBackend): Promise<Schema> {
  const tables = await db.fetchAll<{ name: string; sql: string }>(
    "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
  );
  const schema: Schema = { tables: {}, primaryKeys: {}, foreignKeys: [], indexes: [] };
  for (const { name: table, sql } of tables) {
    const cols = await db.fetchAll<{
      name: string;
      type: string;
      notnull: number;
      dflt_value: string | null;
      pk: number;
    }>('SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_info(?) ORDER BY cid', [table]);
    const autoincrement = /AUTOINCREMENT/i.test(sql);
    schema.tables[table] = cols.map((c) => ({
      name: c.name,
      type: c.type.toUpperCase(),
      // SQLite lets a non-INTEGER primary key hold NULL (a legacy quirk); the app never stores one.
      notNull: c.notnull === 1 || c.pk > 0,
      defaultKind: defaultKind(c.dflt_value, autoincrement && c.pk > 0),
    }));
    schema.primaryKeys[table] = cols
      .filter((c) => c.pk > 0)
      .sort((a, b) => a.pk - b.pk)
      .map((c) => c.name);
    const fks = await db.fetchAll<{ from: string; table: string; to: string; on_delete: string }>(
      'SELECT "from", "table", "to", on_delete FROM pragma_foreign_key_list(?)',
      [table],
    );
    for (const fk of fks)
      schema.foreignKeys.push(`${table}.${fk.from} -> ${fk.table}.${fk.to} ON DELETE ${fk.on_delete}`);
    const indexes = await db.fetchAll<{ name: string; unique: number }>(
      "SELECT name, \"unique\" FROM pragma_index_list(?) WHERE origin = 'c'",
      [table],
    );
    for (const index of indexes) {
      const columns = await db.fetchAll<{ name: string }>(
        "SELECT name FROM pragma_index_info(?) ORDER BY seqno",
        [index.name],
      );
      schema.indexes.push(
        `${index.unique ? "UNIQUE " : ""}${index.name} ON ${table}(${columns.map((c) => c.name).join(", ")})`,
      );
    }
  }
  schema.foreignKeys.sort();
  schema.indexes.sort();
  return schema;
}

function shortPostgresType(dataType: string, length: number | null): string {
  switch (dataType) {
    case "character varying":
      return `varchar(${length})`;
    case "timestamp without time zone":
      return "timestamp";
    case "double precision":
      return "double";
    default:
      return dataType;
  }
}

async function postgresSchema(db: DatabaseBackend): Promise<Schema> {
  const cols = await db.fetchAll<{
    table_name: string;
    column_name: string;
    data_type: string;
    character_maximum_length: number | null;
    is_nullable: string;
    column_default: string | null;
  }>(
    `SELECT table_name, column_name, data_type, character_maximum_length, is_nullable, column_default
       FROM information_schema.columns WHERE table_schema = current_schema()
      ORDER BY table_name, ordinal_position`,
  );
  const schema: Schema = { tables: {}, primaryKeys: {}, foreignKeys: [], indexes: [] };
  for (const c of cols) {
    const list = schema.tables[c.table_name] ?? [];
    schema.tables[c.table_name] = list;
    list.push({
      name: c.column_name,
      type: shortPostgresType(c.data_type, c.character_maximum_length),
      notNull: c.is_nullable === "NO",
      defaultKind: defaultKind(c.column_default, false),
    });
  }
  const pks = await db.fetchAll<{ table_name: string; column_name: string }>(
    `SELECT tc.table_name, kcu.column_name
       FROM information_schema.table_constraints tc
       JOIN information_schema.key_column_usage kcu
         ON kcu.constraint_name = tc.constraint_name AND kcu.table_schema = tc.table_schema
      WHERE tc.table_schema = current_schema() AND tc.constraint_type = 'PRIMARY KEY'
      ORDER BY tc.table_name, kcu.ordinal_position`,
  );
  for (const table of Object.keys(schema.tables)) schema.primaryKeys[table] = [];
  for (const pk of pks) schema.primaryKeys[pk.table_name]!.push(pk.column_name);
  const fks = await db.fetchAll<{ line: string }>(
    `SELECT src.relname || '.' || sa.attname || ' -> ' || dst.relname || '.' || da.attname || ' ON DELETE ' ||
            CASE c.confdeltype WHEN 'c' THEN 'CASCADE' WHEN 'a' THEN 'NO ACTION' WHEN 'n' THEN 'SET NULL'
                               WHEN 'r' THEN 'RESTRICT' ELSE 'SET DEFAULT' END AS line
       FROM pg_constraint c
       JOIN pg_class src ON src.oid = c.conrelid
       JOIN pg_class dst ON dst.oid = c.confrelid
       JOIN pg_attribute sa ON sa.attrelid = c.conrelid AND sa.attnum = c.conkey[1]
       JOIN pg_attribute da ON da.attrelid = c.confrelid AND da.attnum = c.confkey[1]
      WHERE c.contype = 'f' AND src.relnamespace = current_schema()::regnamespace`,
  );
  schema.foreignKeys = fks.map((f) => f.line).sort();
  // Indexes that back a constraint (primary keys, UNIQUE columns) are SQLite's autoindexes: left out on both sides.
  const indexes = await db.fetchAll<{ line: string }>(
    `SELECT CASE WHEN ix.indisunique THEN 'UNIQUE ' ELSE '' END || ic.relname || ' ON ' || tc.relname || '(' ||
            array_to_string(ARRAY(
              SELECT a.attname FROM unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
                JOIN pg_attribute a ON a.attrelid = tc.oid AND a.attnum = k.attnum ORDER BY k.ord), ', ') || ')' AS line
       FROM pg_index ix
       JOIN pg_class ic ON ic.oid = ix.indexrelid
       JOIN pg_class tc ON tc.oid = ix.indrelid
      WHERE tc.relnamespace = current_schema()::regnamespace
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = ix.indexrelid)`,
  );
  schema.indexes = indexes.map((i) => i.line).sort();
  return schema;
}

describePostgres("schema parity between the dialects", () => {
  test("same tables, columns, nullability, defaults, keys and indexes; PostgreSQL types per the mapping", async () => {
    const [a, b] = await Promise.all([
      withFresh(DIALECTS.sqlite, async (backend) => {
        await runMigrations(backend);
        return sqliteSchema(backend);
      }),
      withFresh(DIALECTS.postgres, async (backend) => {
        await runMigrations(backend);
        return postgresSchema(backend);
      }),
    ]);

    expect(Object.keys(a.tables).sort()).toEqual(Object.keys(EXPECTED_POSTGRES_TYPES).sort());
    expect(Object.keys(b.tables).sort()).toEqual(Object.keys(a.tables).sort());
    for (const table of Object.keys(a.tables)) {
      const strip = (cols: Column[]) =>
        cols.map(({ name, notNull, defaultKind }) => ({ name, notNull, defaultKind }));
      expect({ table, columns: strip(b.tables[table]!) }).toEqual({
        table,
        columns: strip(a.tables[table]!),
      });
      const pgTypes = b.tables[table]!.map((c) => `${c.name} ${c.type}`).join(", ");
      expect({ table, types: pgTypes }).toEqual({ table, types: EXPECTED_POSTGRES_TYPES[table]! });
      const sqliteTypes: (string | undefined)[] = a.tables[table]!.map((c) => c.type);
      const mapped = b.tables[table]!.map(
        (c) => SQLITE_TYPE_OF[c.type.startsWith("varchar(") ? "text" : c.type],
      );
      expect({ table, types: sqliteTypes }).toEqual({ table, types: mapped });
    }
    expect(b.primaryKeys).toEqual(a.primaryKeys);
    expect(b.foreignKeys).toEqual(a.foreignKeys);
    expect(b.indexes).toEqual(a.indexes);
    // 001-005 made 8 + 2 + 4 + 2 + 4; 006 added 16 and dropped the 11 they supersede; 007 added 3.
    expect(a.indexes).toHaveLength(8 + 2 + 4 + 2 + 4 + 16 - 11 + 3);
  });
});

// Keeps the per-dialect catalog readers honest on their own: each sees what the files declare.
eachDialect("schema introspection", (dialect) => {
  test("finds the named indexes and the api_usage sequence", async () => {
    await withFresh(dialect, async (backend) => {
      await runMigrations(backend);
      const schema = dialect.name === "sqlite" ? await sqliteSchema(backend) : await postgresSchema(backend);
      expect(schema.indexes).toContain("UNIQUE idx_api_keys_hash ON api_keys(key_hash)");
      expect(schema.indexes).toContain(
        "idx_audit_log_resource_newest ON audit_log(resource_type, resource_id, timestamp, event_id)",
      );
      expect(schema.indexes).toContain("idx_url_analysis_scan_id ON url_analysis(scan_id)");
      expect(schema.indexes).not.toContain("idx_audit_log_resource ON audit_log(resource_type, resource_id)");
      expect(schema.tables.api_usage?.[0]).toMatchObject({
        name: "id",
        defaultKind: "sequence",
        notNull: true,
      });
      expect(schema.tables.signatures?.find((c) => c.name === "enabled")?.defaultKind).toBe("number 1");
    });
  });
});
