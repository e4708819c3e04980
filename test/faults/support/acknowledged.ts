/**
 * The durability check of a fault run: every scan the service answered 201 for is readable with
 * exactly the findings and URL analyses that were posted, none missing and none twice.
 */
import type { AcknowledgedScan } from "./load-driver.ts";

export interface AcknowledgedCheck {
  checked: number;
  /** scans answered 201 that GET /scans/:id does not find */
  missing: string[];
  /** scans found with other findings/analyses than were posted (lost or doubled) */
  partial: string[];
  /** scan ids answered 201 more than once */
  duplicated: string[];
}

export async function checkAcknowledged(
  baseUrl: string,
  scans: readonly AcknowledgedScan[],
  options: { apiKey?: string; concurrency?: number } = {},
): Promise<AcknowledgedCheck> {
  const headers: Record<string, string> = {};
  if (options.apiKey !== undefined) headers["x-api-key"] = options.apiKey;
  const seen = new Set<string>();
  const duplicated: string[] = [];
  for (const s of scans) {
    if (seen.has(s.id)) duplicated.push(s.id);
    seen.add(s.id);
  }
  const missing: string[] = [];
  const partial: string[] = [];
  const queue = [...scans];
  async function worker(): Promise<void> {
    for (let s = queue.shift(); s !== undefined; s = queue.shift()) {
      const res = await fetch(`${baseUrl}/api/v1/scans/${encodeURIComponent(s.id)}`, {
        headers,
        signal: AbortSignal.timeout(30_000),
      });
      if (res.status === 404) {
        missing.push(s.id);
        continue;
      }
      if (res.status !== 200)
        throw new Error(`GET /scans/${s.id} answered ${res.status}: ${await res.text()}`);
      const body = (await res.json()) as { findings: { id: string }[]; url_analysis: { id: string }[] };
      if (!sameIds(body.findings, s.findingIds) || !sameIds(body.url_analysis, s.urlAnalysisIds)) {
        partial.push(s.id);
      }
    }
  }
  await Promise.all(Array.from({ length: options.concurrency ?? 8 }, worker));
  return { checked: scans.length, missing, partial, duplicated };
}

function sameIds(rows: { id: string }[], expected: readonly string[]): boolean {
  const got = rows.map((r) => r.id).sort();
  const want = [...expected].sort();
  return got.length === want.length && got.every((id, i) => id === want[i]);
}
