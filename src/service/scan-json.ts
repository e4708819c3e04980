import type { ScanWithDetails } from "../repositories/index.ts";

type WithoutScanId<T> = Omit<T, "scan_id">;

export type ScanJson = Omit<ScanWithDetails, "findings" | "url_analysis"> & {
  findings: WithoutScanId<ScanWithDetails["findings"][number]>[];
  url_analysis: WithoutScanId<ScanWithDetails["url_analysis"][number]>[];
};

/**
 * A scan as it travels (docs/architecture.md, public contract): nested findings and URL analyses without `scan_id`, which
 * only repeats the parent's id. The same shape is accepted by POST and returned by POST and GET.
 *
 * Takes over `scan`: the repositories build fresh objects on every call, so rather than copying
 * the scan and each child (a tenth of a GET's time), `scan_id` is set to undefined in place,
 * which JSON.stringify leaves out while every other key keeps its place and order. The result
 * is meant for JSON.stringify only.
 */
export function scanJson(scan: ScanWithDetails): ScanJson {
  for (const finding of scan.findings) (finding as { scan_id?: string }).scan_id = undefined;
  for (const url of scan.url_analysis) (url as { scan_id?: string }).scan_id = undefined;
  return scan as ScanJson;
}
