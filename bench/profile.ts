/**
 * One workload through one contender (raw, ours, or a peer's label such as bun-sql), long enough
 * to profile:
 *   bun --cpu-prof --cpu-prof-dir=/tmp/prof bench/profile.ts sqlite W3 ours [repeat]
 * The database is set up and filled like a bench round; only the named workload repeats.
 */
import { makeBulkFindings, makeScans, makeUsage, randomIds } from "./fixtures.ts";
import { parseOptions } from "./options.ts";
import { dropAllThrowaways } from "./pg-databases.ts";
import { openContenders } from "./setup.ts";

const [backendArg = "sqlite", workload = "W3", side = "ours", repeatArg = "5"] = process.argv.slice(2);
if (backendArg !== "sqlite" && backendArg !== "postgres") throw new Error("backend: sqlite or postgres");
const options = parseOptions([]);
const c = options.counts;
const opened = await openContenders(backendArg, options.postgresAdminUrl, c.poolSize);
const who =
  side === "raw"
    ? opened.raw
    : side === "ours"
      ? opened.ours
      : opened.peers.find((p) => p.label === side || side === "peer");
try {
  if (!who) throw new Error(`side: raw, ours or a peer (${opened.peers.map((p) => p.label).join(", ")})`);
  const scans = makeScans(c.w1Scans, c.findingsPerScan);
  const ids = scans.map((s) => s.id);
  await who.reset();
  if (workload !== "W1") await who.recordScans(scans);
  await who.analyze();
  const t0 = performance.now();
  let work = 0;
  for (let k = 0; k < Number(repeatArg); k++) {
    if (workload === "W1") {
      await who.reset();
      await who.recordScans(scans);
      work += scans.length;
    } else if (workload === "W2") {
      const get = Object.values(who.getVariants)[0]!;
      await get(randomIds(ids, c.w2Gets, k + 2));
      work += c.w2Gets;
    } else if (workload === "W3") {
      await who.listRecent(c.w3Lists, c.w3Limit);
      work += c.w3Lists;
    } else if (workload === "W4") {
      const bulk = Object.values(who.bulkVariants)[0]!;
      await bulk(makeBulkFindings(c.w4Rows, ids[0]!));
      await who.clearBulk();
      work += c.w4Rows;
    } else if (workload === "W5") {
      await who.appendUsage!(makeUsage(c.w5Appends));
      work += c.w5Appends;
    } else throw new Error(`unknown workload ${workload}`);
  }
  const s = (performance.now() - t0) / 1000;
  console.log(`${backendArg} ${workload} ${side}: ${Math.round(work / s)} per s over ${s.toFixed(1)} s`);
} finally {
  await opened.close();
  await dropAllThrowaways();
}
