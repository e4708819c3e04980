import type { ScanWithDetails } from "../repositories/index.ts";

type WithoutScanId<T> = Omit<T, "scan_id">;

export type ScanJson = Omit<ScanWithDetails, "findings" | "url_analysis"> & {
  findings: WithoutScanId<ScanWithDetails["findings"][number]>[];
  url_analysis: WithoutScanId<ScanWithDetails["url_analysis"][number]>[];
};

/**
 * A scan as it travels (DESIGN.md): nested findings and URL analyses without `scan_id`, which
 * only repeats the parent's id. The same shape is accepted by POST and returned by POST and GET.
 */
export function scanJson(scan: ScanWithDetails): ScanJson {
  return {
    ...scan,
    findings: scan.findings.map(({ scan_id: _s, ...rest }) => rest),
    url_analysis: scan.url_analysis.map(({ scan_id: _s, ...rest }) => rest),
  };
}
