import { expect, test } from "bun:test";
import { NotFoundError, type ValidationError } from "../../src/errors/index.ts";
import { rejectionOf } from "../support/rejection.ts";
import { countRows, describeEachBackend, ISO_UTC, uid } from "./harness.ts";

describeEachBackend("ScheduledJobRepository", (ctx) => {
  test("create, get, list; layers default to all four", async () => {
    const { repos } = ctx();
    const id = uid("job");
    const job = await repos.scheduledJobs.create({
      id,
      name: `nightly ${id}`,
      target_path: "/skills",
      schedule: "0 3 * * *",
    });
    expect(job).toMatchObject({
      id,
      layers: "rule_engine,url_crawler,llm_analyzer,threat_intel",
      enabled: true,
      last_run: null,
      next_run: null,
    });
    expect(job.created_at).toMatch(ISO_UTC);
    expect(await repos.scheduledJobs.get(id)).toEqual(job);
    const other = await repos.scheduledJobs.create({
      name: `nightly ${id} b`,
      target_path: "/x",
      schedule: "@hourly",
      layers: ["rule_engine", "threat_intel"],
      enabled: false,
    });
    expect(other.layers).toBe("rule_engine,threat_intel");
    const listed = await repos.scheduledJobs.list({ limit: 500 });
    expect(listed.map((j) => j.id)).toEqual(expect.arrayContaining([id, other.id]));
    expect((await repos.scheduledJobs.list({ enabled: false })).some((j) => j.id === id)).toBe(false);
    const bad = await rejectionOf(
      repos.scheduledJobs.create({ name: "n", target_path: "/", schedule: "x", layers: "rule_engine,magic" }),
    );
    expect((bad as ValidationError).field).toBe("layers[1]");
  });

  test("due returns enabled jobs whose next_run has come, earliest first", async () => {
    const { repos } = ctx();
    const tag = uid("due");
    const mk = (suffix: string, nextRun: string | null, enabled = true) =>
      repos.scheduledJobs.create({
        id: `${tag}-${suffix}`,
        name: tag,
        target_path: "/",
        schedule: "@daily",
        next_run: nextRun,
        enabled,
      });
    await mk("late", "2001-01-01T00:00:02.000Z");
    await mk("early", "2001-01-01T00:00:01.000Z");
    await mk("future", "2001-01-01T00:00:03.001Z");
    await mk("off", "2001-01-01T00:00:00.000Z", false);
    await mk("unscheduled", null);
    const due = (await repos.scheduledJobs.due("2001-01-01T00:00:03.000Z")).filter((j) => j.name === tag);
    expect(due.map((j) => j.id)).toEqual([`${tag}-early`, `${tag}-late`]);
    const moved = await repos.scheduledJobs.updateNextRun(
      `${tag}-early`,
      "2001-01-02T00:00:00Z",
      "2001-01-01T00:00:03Z",
    );
    expect(moved).toMatchObject({
      next_run: "2001-01-02T00:00:00.000Z",
      last_run: "2001-01-01T00:00:03.000Z",
    });
    const dueAfter = (await repos.scheduledJobs.due(new Date("2001-01-01T00:00:03.001Z"))).filter(
      (j) => j.name === tag,
    );
    expect(dueAfter.map((j) => j.id)).toEqual([`${tag}-late`, `${tag}-future`]);
    expect((await repos.scheduledJobs.setEnabled(`${tag}-off`, true)).enabled).toBe(true);
    expect(await rejectionOf(repos.scheduledJobs.updateNextRun("nope", null))).toBeInstanceOf(NotFoundError);
  });

  test("runs: create, complete, list newest first; deleting the job removes its runs", async () => {
    const { repos, db } = ctx();
    const job = await repos.scheduledJobs.create({ name: "runs", target_path: "/", schedule: "@daily" });
    const first = await repos.scheduledJobs.createRun({
      job_id: job.id,
      started_at: "2026-01-01T00:00:00.000Z",
    });
    expect(first).toMatchObject({ status: "pending", scan_id: null, verdict: null, completed_at: null });
    expect(await repos.scheduledJobs.getRun(first.id)).toEqual(first);
    const second = await repos.scheduledJobs.createRun({ job_id: job.id, status: "running" });
    expect(second.started_at).toMatch(ISO_UTC);
    const done = await repos.scheduledJobs.completeRun(first.id, {
      status: "completed",
      scan_id: "scan-1",
      verdict: "CAUTION",
      risk_score: 20,
      completed_at: "2026-01-01T00:00:05.000Z",
    });
    expect(done).toEqual({
      ...first,
      status: "completed",
      scan_id: "scan-1",
      verdict: "CAUTION",
      risk_score: 20,
      completed_at: "2026-01-01T00:00:05.000Z",
    });
    const failed = await repos.scheduledJobs.completeRun(second.id, {
      status: "failed",
      error: "target missing",
    });
    expect(failed.error).toBe("target missing");
    expect(failed.completed_at).toMatch(ISO_UTC);
    expect((await repos.scheduledJobs.listRuns(job.id)).map((r) => r.id)).toEqual([second.id, first.id]);
    expect((await repos.scheduledJobs.listRuns(job.id, { limit: 1, offset: 1 })).map((r) => r.id)).toEqual([
      first.id,
    ]);
    expect(
      (
        (await rejectionOf(
          repos.scheduledJobs.completeRun(first.id, { status: "done" as never }),
        )) as ValidationError
      ).field,
    ).toBe("status");
    expect(await rejectionOf(repos.scheduledJobs.completeRun("nope", { status: "failed" }))).toBeInstanceOf(
      NotFoundError,
    );
    const orphan = await rejectionOf(repos.scheduledJobs.createRun({ job_id: "no-such-job" }));
    expect((orphan as ValidationError).field).toBe("job_id");
    expect(await repos.scheduledJobs.delete(job.id)).toBe(true);
    expect(await countRows(db, "job_runs", "job_id = ?", [job.id])).toBe(0);
  });
});
