import type { DatabaseBackend } from "../backends/index.ts";

/** Reads the migrations' bookkeeping table, which migrate/ owns and writes. */
export class SchemaRepository {
  constructor(private readonly db: DatabaseBackend) {}

  /** The highest applied migration version (0 when none): the `schema_version` health reports. */
  async version(): Promise<number> {
    if (!(await this.db.tableExists("schema_migrations"))) return 0;
    const row = await this.db.fetchOne<{ v: number | bigint | null }>(
      "SELECT MAX(version) AS v FROM schema_migrations",
    );
    return row?.v === null || row?.v === undefined ? 0 : Number(row.v);
  }
}
