/*
 * saveScan with its audit entry is one write (DatabaseBackend.insertRowSets): the scan, its
 * findings, its URL analyses and the audit row are stored together or not at all, with the same
 * errors as separate inserts; on PostgreSQL all of it reaches the server as ONE statement.
 */
import { expect, test } from "bun:test";
import { ConflictError } from "../../src/errors/index.ts";
import { describePostgres } from "../support/postgres.ts";
import { rejectionOf as thrown } from "../support/rejection.ts";
import { finding, scan, urlAnalysis } from "./fixtures.ts";
import { describeEachBackend, openPostgres, uid } from "./harness.ts";

const audited = (id: string) => ({
  audit: (stored: { id: string }, counts: { findings: number }) => ({
    event_type: "scan_created",
    resource_type: "scan",
    resource_id: stored.id,
    action: "create",
    actor: "tester",
    details: { findings: counts.findings },
    event_id: `${id}-audit`,
  }),
});

describeEachBackend("saveScan with its audit entry, one write", (ctx) => {
  test("scan, findings, URL analyses and the audit row are all stored, as returned", async () => {
    const { repos } = ctx();
    const id = uid("one-write");
    const saved = await repos.scans.saveScan(
      scan(id, {
        findings: [finding(`${id}-f1`), finding(`${id}-f2`)],
        url_analysis: [urlAnalysis(`${id}-u`)],
      }),
      audited(id),
    );
    expect(await repos.scans.getScanWithDetails(id)).toEqual(saved);
    const [entry] = await repos.auditLog.query({ resource_type: "scan", resource_id: id });
    expect(entry).toMatchObject({
      event_id: `${id}-audit`,
      event_type: "scan_created",
      actor: "tester",
      details: { findings: 2 },
    });
  });

  test("a duplicate finding id, or a duplicate audit id, stores nothing and is the same conflict", async () => {
    const { repos } = ctx();
    const first = uid("one-write-first");
    await repos.scans.saveScan(scan(first, { findings: [finding(`${first}-f`)] }), audited(first));

    const second = uid("one-write-second");
    const dupFinding = await thrown(
      repos.scans.saveScan(scan(second, { findings: [finding(`${first}-f`)] }), audited(second)),
    );
    expect(dupFinding).toBeInstanceOf(ConflictError);
    const dupAudit = await thrown(repos.scans.saveScan(scan(second, { findings: [] }), audited(first)));
    expect(dupAudit).toBeInstanceOf(ConflictError);
    // And a duplicate scan id, with no audit entry: the plain saveScan path gives the same error.
    const dupScan = await thrown(repos.scans.saveScan(scan(first)));
    expect(dupScan).toBeInstanceOf(ConflictError);

    expect(await repos.scans.get(second)).toBeNull();
    expect(await repos.auditLog.query({ resource_id: second })).toEqual([]);
  });

  test("inside a transaction it joins it: a rollback removes scan and audit row alike", async () => {
    const { db, repos } = ctx();
    const id = uid("one-write-tx");
    const error = await thrown(
      db.transaction(async (tx) => {
        const { createRepositories } = await import("../../src/repositories/index.ts");
        await createRepositories(tx).scans.saveScan(
          scan(id, { findings: [finding(`${id}-f`)] }),
          audited(id),
        );
        throw new Error("changed my mind");
      }),
    );
    expect((error as Error).message).toBe("changed my mind");
    expect(await repos.scans.get(id)).toBeNull();
    expect(await repos.auditLog.query({ resource_id: id })).toEqual([]);
  });
});

describePostgres("saveScan with its audit entry on PostgreSQL", (testDb) => {
  test("reaches the server as one statement: every table's rows share one statement_timestamp", async () => {
    const db = await openPostgres(testDb().url);
    try {
      // statement_timestamp() is the time the client's statement arrived: BEGIN, one insert per
      // table and COMMIT would show one per insert.
      await db.executeScript(`
        create table write_log (tbl text, stmt timestamptz, xid bigint);
        create function log_write() returns trigger language plpgsql as $$
        begin insert into write_log values (tg_table_name, statement_timestamp(), txid_current()); return null; end $$;
        create trigger scans_w after insert on scans for each statement execute function log_write();
        create trigger findings_w after insert on findings for each statement execute function log_write();
        create trigger url_w after insert on url_analysis for each statement execute function log_write();
        create trigger audit_w after insert on audit_log for each statement execute function log_write();
      `);
      const { createRepositories } = await import("../../src/repositories/index.ts");
      const id = uid("one-statement");
      await createRepositories(db).scans.saveScan(
        scan(id, {
          findings: [finding(`${id}-f1`), finding(`${id}-f2`)],
          url_analysis: [urlAnalysis(`${id}-u`)],
        }),
        audited(id),
      );
      const log = await db.fetchOne<{ tables: number; statements: number; transactions: number }>(
        "select count(distinct tbl) as tables, count(distinct stmt) as statements, count(distinct xid) as transactions from write_log",
      );
      expect(log).toEqual({ tables: 4, statements: 1, transactions: 1 });
    } finally {
      await db.close();
    }
  });
});
