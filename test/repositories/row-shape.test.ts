/*
 * Reads of whole rows are shaped in place when the driver's row holds exactly the converter's
 * columns in order (RowConverter.rows); that holds only while each table's stored column order
 * is the order its converter declares. A migration that adds a column out of that order would
 * not break a read (the copy takes over) but would quietly slow every list: this fails first.
 */
import { expect, test } from "bun:test";
import type { Row } from "../../src/backends/index.ts";
import { findingOut } from "../../src/repositories/finding-row.ts";
import type { RowConverter } from "../../src/repositories/row-convert.ts";
import { scanOut } from "../../src/repositories/scan-row.ts";
import { signatureOut } from "../../src/repositories/signature-row.ts";
import { urlAnalysisOut } from "../../src/repositories/url-analysis-row.ts";
import { finding, scan, urlAnalysis } from "./fixtures.ts";
import { describeEachBackend, uid } from "./harness.ts";

type AnyConverter = RowConverter<Row>;

describeEachBackend("whole-row reads", (ctx) => {
  test("every hot table's stored columns are its converter's, in order, so its lists convert in place", async () => {
    const { db, repos } = ctx();
    const id = uid("shape");
    await repos.scans.saveScan(
      scan(id, { findings: [finding(`${id}-f`)], url_analysis: [urlAnalysis(`${id}-u`)] }),
    );
    const tables: [string, AnyConverter][] = [
      ["scans", scanOut as unknown as AnyConverter],
      ["findings", findingOut as unknown as AnyConverter],
      ["url_analysis", urlAnalysisOut as unknown as AnyConverter],
      ["signatures", signatureOut as unknown as AnyConverter],
    ];
    for (const [table, out] of tables) {
      const rows = await db.fetchAll<Row>(`SELECT * FROM ${table} LIMIT 3`);
      expect(rows.length, table).toBeGreaterThan(0);
      expect(Object.keys(rows[0] as Row), table).toEqual([...out.columns]);
      const copies = rows.map((r) => out({ ...r }));
      expect(out.rows(rows) as unknown, table).toBe(rows);
      expect(rows, table).toEqual(copies);
    }
  });

  test("a listed scan is the scan read by id, field for field and in the same order", async () => {
    const { repos } = ctx();
    const id = uid("shape-list");
    await repos.scans.saveScan(scan(id, { layers_executed: ["rule_engine"], errors: ["e"] }));
    const byId = await repos.scans.get(id);
    const listed = (await repos.scans.listRecent({ limit: 500 })).find((s) => s.id === id);
    expect(listed).toEqual(byId ?? undefined);
    expect(Object.keys(listed ?? {})).toEqual(Object.keys(byId ?? {}));
  });
});
