/**
 * `bun run test:faults [name-filter]`: runs every test/faults/*.fault.ts in one `bun test`
 * process. The files are named so that a plain `bun test` (which only picks up *.test.ts,
 * *_test.*, *.spec.* and *_spec_*) never runs these long suites; `bun test` runs a file given by
 * path whatever its name.
 */
import { join, relative } from "node:path";

const dir = import.meta.dir;
const root = join(dir, "..", "..");
const filter = process.argv[2];
if (filter === "--help" || filter === "-h") {
  console.log(
    "usage: bun run test:faults [name-filter]\n" +
      "Runs test/faults/*.fault.ts (those whose name contains name-filter): PostgreSQL restarted and its\n" +
      "connections terminated under load on a throwaway cluster, kill -9 of the service on both backends.\n" +
      "Figures go to stdout (lines starting fault-figures) and test/faults/results/latest.jsonl.",
  );
  process.exit(0);
}
const files = [...new Bun.Glob("*.fault.ts").scanSync({ cwd: dir })]
  .filter((f) => filter === undefined || f.includes(filter))
  .sort()
  .map((f) => `./${relative(root, join(dir, f))}`);
if (files.length === 0) {
  console.error(`no fault suite matches ${filter ?? "*"} in ${relative(root, dir)}`);
  process.exit(1);
}
const proc = Bun.spawn([process.execPath, "test", "--timeout", "300000", ...files], {
  cwd: root,
  stdio: ["ignore", "inherit", "inherit"],
});
process.exit(await proc.exited);
