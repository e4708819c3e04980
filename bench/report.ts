/**
 * Turns measurements into the tables printed on the console and kept in the JSON (as Markdown the
 * lead can paste into README.md), and judges each target from the issue.
 */
import type { W6Result } from "./http/w6.ts";
import { fmtRate, fmtRatio, fmtSpread, type Summary } from "./stats.ts";
import type { Measurement, SuiteResult, WorkloadId } from "./suite.ts";

export interface Row {
  workload: string;
  name: string;
  unit: string;
  contender: string;
  median: number;
  spread: string;
  /** ours / the workload's reference raw figure (for a raw row: itself against that reference). */
  ratio: number | null;
}

export interface Target {
  id: string;
  description: string;
  measured: string;
  met: boolean;
}

/** The raw figure a workload's ratio is taken against: the first raw row (the brief's raw form). */
function reference(ms: readonly Measurement[], workload: WorkloadId): Measurement | undefined {
  return ms.find((m) => m.workload === workload && m.side === "raw");
}

function oursOf(ms: readonly Measurement[], workload: WorkloadId): Measurement | undefined {
  return ms.find((m) => m.workload === workload && m.side === "ours");
}

export function suiteRows(result: SuiteResult): Row[] {
  const rows: Row[] = [];
  for (const m of result.measurements) {
    const ref = reference(result.measurements, m.workload);
    const ratio = m.side === "ours" && ref ? m.summary.median / ref.summary.median : null;
    rows.push({
      workload: m.workload,
      name: m.name,
      unit: m.unit,
      contender: m.contender,
      median: m.summary.median,
      spread: fmtSpread(m.summary),
      ratio,
    });
  }
  const order = ["W1", "W2", "W3", "W4", "W5", "W5c"];
  return rows.sort(
    (a, b) =>
      order.indexOf(a.workload) - order.indexOf(b.workload) ||
      (a.contender.startsWith("raw") ? 0 : 1) - (b.contender.startsWith("raw") ? 0 : 1),
  );
}

function ratioTarget(
  id: string,
  ms: readonly Measurement[],
  workload: WorkloadId,
  min: number,
  strictlyAbove = false,
): Target | null {
  const ref = reference(ms, workload);
  const ours = oursOf(ms, workload);
  if (!ref || !ours) return null;
  const r = ours.summary.median / ref.summary.median;
  return {
    id,
    description: strictlyAbove
      ? `ours > raw (${ref.contender}) on ${workload}`
      : `ours ≥ ${min.toFixed(2)} × raw (${ref.contender}) on ${workload}`,
    measured: `${fmtRatio(r)} (${fmtRate(ours.summary.median)} vs ${fmtRate(ref.summary.median)} ${ours.unit})`,
    met: strictlyAbove ? r > min : r >= min,
  };
}

function absoluteTarget(
  id: string,
  ms: readonly Measurement[],
  workload: WorkloadId,
  min: number,
  label: string,
): Target | null {
  const ours = oursOf(ms, workload);
  if (!ours) return null;
  return {
    id,
    description: `ours ${label} on ${workload}`,
    measured: `${fmtRate(ours.summary.median)} ${ours.unit}`,
    met: ours.summary.median >= min,
  };
}

export function suiteTargets(result: SuiteResult): Target[] {
  const ms = result.measurements;
  const b = result.backend;
  const t: (Target | null)[] = [
    ratioTarget(`${b}-W1`, ms, "W1", 0.85),
    ratioTarget(`${b}-W3`, ms, "W3", 0.9),
    ratioTarget(`${b}-W5`, ms, "W5", 0.9),
  ];
  if (b === "sqlite") {
    t.push(ratioTarget("sqlite-W2", ms, "W2", 0.9));
    t.push(ratioTarget("sqlite-W4", ms, "W4", 0.9));
    t.push(absoluteTarget("sqlite-W1-abs", ms, "W1", 2 * 747, "≥ 1,494 scans/s (2 × 747)"));
  } else {
    t.push(ratioTarget("postgres-W5c", ms, "W5c", 0.9));
    t.push(ratioTarget("postgres-W2", ms, "W2", 1, true));
    t.push(
      absoluteTarget(
        "postgres-W4-abs",
        ms,
        "W4",
        42_900,
        "> 42,900 rows/s (asyncpg executemany; aim ~60,000)",
      ),
    );
  }
  return t.filter((x): x is Target => x !== null);
}

/** Columns from `numericFrom` on are right-aligned. */
function pad(cells: readonly string[], widths: readonly number[], numericFrom: number): string {
  return cells
    .map((c, k) => (k >= numericFrom ? c.padStart(widths[k] ?? 0) : c.padEnd(widths[k] ?? 0)))
    .join("  ");
}

/** A fixed-width table for the console. */
export function consoleTable(
  headers: readonly string[],
  body: readonly (readonly string[])[],
  numericFrom = 3,
): string {
  const widths = headers.map((h, k) => Math.max(h.length, ...body.map((r) => (r[k] ?? "").length)));
  const lines = [pad(headers, widths, numericFrom), widths.map((w) => "-".repeat(w)).join("  ")];
  for (const r of body) lines.push(pad(r, widths, numericFrom));
  return lines.join("\n");
}

export function markdownTable(
  headers: readonly string[],
  body: readonly (readonly string[])[],
  numericFrom = 3,
): string {
  const esc = (s: string) => s.replaceAll("|", "\\|");
  const lines = [
    `| ${headers.map(esc).join(" | ")} |`,
    `|${headers.map((_, k) => (k >= numericFrom ? "---:" : "---")).join("|")}|`,
  ];
  for (const r of body) lines.push(`| ${r.map(esc).join(" | ")} |`);
  return lines.join("\n");
}

export const SUITE_HEADERS = ["workload", "what", "contender", "median", "spread (min–max)", "ours/raw"];

export function suiteCells(rows: readonly Row[]): string[][] {
  return rows.map((r) => [
    r.workload,
    r.name,
    r.contender,
    `${fmtRate(r.median)} ${r.unit}`,
    r.spread,
    r.ratio === null ? "" : fmtRatio(r.ratio),
  ]);
}

export const TARGET_HEADERS = ["target", "requirement", "measured", "result"];

export function targetCells(targets: readonly Target[]): string[][] {
  return targets.map((t) => [t.id, t.description, t.measured, t.met ? "met" : "MISSED"]);
}

export const W6_HEADERS = [
  "route",
  "server",
  "backend",
  "req/s",
  "spread (min–max)",
  "p50 ms",
  "p99 ms",
  "service/bare",
];

const ms = (s: Summary) => s.median.toFixed(2);

export function w6Cells(result: W6Result): string[][] {
  const routes = ["GET /scans/:id", "POST /scans"] as const;
  const out: string[][] = [];
  for (const route of routes) {
    const bare = result.rows.find((r) => r.route === route && r.server === "bare Bun.serve");
    for (const server of ["bare Bun.serve", "service"] as const) {
      const r = result.rows.find((x) => x.route === route && x.server === server);
      if (!r) continue;
      out.push([
        route,
        server,
        result.backend,
        fmtRate(r.rps.median),
        fmtSpread(r.rps),
        ms(r.p50Ms),
        ms(r.p99Ms),
        server === "service" && bare ? fmtRatio(r.rps.median / bare.rps.median) : "",
      ]);
      if (r.errors > 0) (out[out.length - 1] as string[])[1] += ` (${r.errors} errors)`;
    }
  }
  return out;
}

export function w6Targets(result: W6Result): Target[] {
  const out: Target[] = [];
  for (const route of ["GET /scans/:id", "POST /scans"] as const) {
    const bare = result.rows.find((r) => r.route === route && r.server === "bare Bun.serve");
    const ours = result.rows.find((r) => r.route === route && r.server === "service");
    if (!bare || !ours) continue;
    const ratio = ours.rps.median / bare.rps.median;
    out.push({
      id: `${result.backend}-W6 ${route}`,
      description: "service ≥ 0.85 × bare Bun.serve (req/s)",
      measured: `${fmtRatio(ratio)} (${fmtRate(ours.rps.median)} vs ${fmtRate(bare.rps.median)} req/s)`,
      met: ratio >= 0.85 && ours.errors === 0,
    });
  }
  return out;
}
