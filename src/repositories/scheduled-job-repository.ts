import type { DatabaseBackend, Row } from "../backends/index.ts";
import { NotFoundError, ValidationError } from "../errors/index.ts";
import { type SqlQuery, sql } from "../sql/index.ts";
import { byteOrder } from "./backend-fragments.ts";
import {
  bool,
  DETECTOR_LAYERS,
  type InstantInput,
  instantIn,
  instantOrNullIn,
  integerOrNull,
  nonEmptyText,
  oneOf,
  oneOfOrNull,
  SCAN_STATUSES,
  type ScanStatus,
  text,
  textOrNullIn,
  VERDICTS,
  type Verdict,
} from "./domain.ts";
import { type PageOptions, page } from "./paging.ts";
import { rowById } from "./query-parts.ts";
import { type Instant, rowConverter } from "./row-convert.ts";
import { guardWrite, newId } from "./write-errors.ts";

export interface ScheduledJob {
  id: string;
  name: string;
  target_path: string;
  schedule: string;
  /** Comma-separated detector layers, as the column holds them. */
  layers: string;
  enabled: boolean;
  last_run: Instant | null;
  next_run: Instant | null;
  created_at: Instant;
}

const jobOut = rowConverter<ScheduledJob>({
  id: "value",
  name: "value",
  target_path: "value",
  schedule: "value",
  layers: "value",
  enabled: "flag",
  last_run: "nullableInstant",
  next_run: "nullableInstant",
  created_at: "instant",
});
const jobById = rowById("scheduled_jobs", jobOut);

export interface NewScheduledJob {
  id?: string;
  name: string;
  target_path: string;
  /** Cron expression or interval, as the scheduler understands it. */
  schedule: string;
  /** A list of detector layers or their comma-separated text; defaults to all four. */
  layers?: string | string[];
  enabled?: boolean;
  next_run?: InstantInput | null;
}

export interface JobRun {
  id: string;
  job_id: string;
  scan_id: string | null;
  status: ScanStatus;
  verdict: Verdict | null;
  risk_score: number | null;
  error: string | null;
  started_at: Instant;
  completed_at: Instant | null;
}

const runOut = rowConverter<JobRun>({
  id: "value",
  job_id: "value",
  scan_id: "nullable",
  status: "value",
  verdict: "nullable",
  risk_score: "number",
  error: "nullable",
  started_at: "instant",
  completed_at: "nullableInstant",
});
const runById = rowById("job_runs", runOut);

export interface NewJobRun {
  id?: string;
  job_id: string;
  scan_id?: string | null;
  status?: ScanStatus;
  /** Defaults to the time of the write. */
  started_at?: InstantInput;
}

export interface JobRunCompletion {
  status: ScanStatus;
  scan_id?: string | null;
  verdict?: Verdict | null;
  risk_score?: number | null;
  error?: string | null;
  /** Defaults to the time of the write. */
  completed_at?: InstantInput;
}

const DEFAULT_LAYERS = DETECTOR_LAYERS.join(",");

function layersIn(value: unknown): string {
  if (value === undefined) return DEFAULT_LAYERS;
  const list = typeof value === "string" ? value.split(",").map((s) => s.trim()) : value;
  if (!Array.isArray(list) || list.length === 0) {
    throw new ValidationError("layers", "layers must name at least one detector layer");
  }
  return text("layers", list.map((l, i) => oneOf(`layers[${i}]`, l, DETECTOR_LAYERS)).join(","), 512);
}

export class ScheduledJobRepository {
  constructor(private readonly db: DatabaseBackend) {}

  async create(job: NewScheduledJob): Promise<ScheduledJob> {
    if (job === null || typeof job !== "object") throw new ValidationError("job", "a job must be an object");
    const id = job.id === undefined ? newId() : nonEmptyText("id", job.id, 255);
    const values = [
      id,
      nonEmptyText("name", job.name, 255),
      nonEmptyText("target_path", job.target_path),
      nonEmptyText("schedule", job.schedule, 128),
      layersIn(job.layers),
      job.enabled === undefined ? true : bool("enabled", job.enabled),
      instantOrNullIn("next_run", job.next_run),
    ];
    const row = await guardWrite(
      () =>
        this.db.fetchOne(
          sql`INSERT INTO scheduled_jobs (id, name, target_path, schedule, layers, enabled, next_run) VALUES (${sql.list(values)}) RETURNING *`,
        ),
      `A scheduled job with id ${id} already exists`,
    );
    return jobOut(row as Row);
  }

  async get(id: string): Promise<ScheduledJob | null> {
    return jobById(this.db, id);
  }

  /** By name, then id; bounded page. */
  async list(options: PageOptions & { enabled?: boolean } = {}): Promise<ScheduledJob[]> {
    const { limit, offset } = page(options);
    const filter =
      options.enabled === undefined ? sql`` : sql` WHERE enabled = ${bool("enabled", options.enabled)}`;
    const order = byteOrder(this.db);
    const rows = await this.db.fetchAll(
      sql`SELECT * FROM scheduled_jobs${filter} ORDER BY name ${order}, id ${order} LIMIT ${limit} OFFSET ${offset}`,
    );
    return jobOut.rows(rows);
  }

  /** Enabled jobs whose next_run has come, earliest first. */
  async due(now: InstantInput = new Date(), limit = 500): Promise<ScheduledJob[]> {
    const { limit: bounded } = page({ limit });
    const rows = await this.db.fetchAll(
      sql`SELECT * FROM scheduled_jobs WHERE enabled = ${true} AND next_run IS NOT NULL AND next_run <= ${instantIn("now", now)}
          ORDER BY next_run, id ${byteOrder(this.db)} LIMIT ${bounded}`,
    );
    return jobOut.rows(rows);
  }

  /** Sets next_run (null: not scheduled) and, when given, last_run; NotFoundError if absent. */
  async updateNextRun(
    id: string,
    nextRun: InstantInput | null,
    lastRun?: InstantInput,
  ): Promise<ScheduledJob> {
    const sets: SqlQuery[] = [sql`next_run = ${instantOrNullIn("next_run", nextRun)}`];
    if (lastRun !== undefined) sets.push(sql`last_run = ${instantIn("last_run", lastRun)}`);
    return this.update(id, sets);
  }

  async setEnabled(id: string, enabled: boolean): Promise<ScheduledJob> {
    return this.update(id, [sql`enabled = ${bool("enabled", enabled)}`]);
  }

  /** Removes the job and its runs (ON DELETE CASCADE). */
  async delete(id: string): Promise<boolean> {
    const { rowCount } = await this.db.execute(sql`DELETE FROM scheduled_jobs WHERE id = ${id}`);
    return rowCount > 0;
  }

  /** Records the start of a run; ValidationError("job_id") if the job does not exist. */
  async createRun(run: NewJobRun): Promise<JobRun> {
    if (run === null || typeof run !== "object") throw new ValidationError("run", "a run must be an object");
    const id = run.id === undefined ? newId() : nonEmptyText("id", run.id, 255);
    const row = {
      id,
      job_id: nonEmptyText("job_id", run.job_id, 255),
      scan_id: textOrNullIn("scan_id", run.scan_id, 255),
      status: run.status === undefined ? "pending" : oneOf("status", run.status, SCAN_STATUSES),
      started_at: instantIn("started_at", run.started_at ?? new Date()),
    };
    await guardWrite(
      () =>
        this.db.execute(
          sql`INSERT INTO job_runs (id, job_id, scan_id, status, started_at) VALUES (${row.id}, ${row.job_id}, ${row.scan_id}, ${row.status}, ${row.started_at})`,
        ),
      `A job run with id ${id} already exists`,
      "job_id",
    );
    return runOut({ ...row, verdict: null, risk_score: null, error: null, completed_at: null });
  }

  /** Records how a run ended; NotFoundError if absent. */
  async completeRun(id: string, outcome: JobRunCompletion): Promise<JobRun> {
    if (outcome === null || typeof outcome !== "object")
      throw new ValidationError("outcome", "outcome must be an object");
    const sets: SqlQuery[] = [
      sql`status = ${oneOf("status", outcome.status, SCAN_STATUSES)}`,
      sql`completed_at = ${instantIn("completed_at", outcome.completed_at ?? new Date())}`,
    ];
    if (outcome.scan_id !== undefined)
      sets.push(sql`scan_id = ${textOrNullIn("scan_id", outcome.scan_id, 255)}`);
    if (outcome.verdict !== undefined)
      sets.push(sql`verdict = ${oneOfOrNull("verdict", outcome.verdict, VERDICTS)}`);
    if (outcome.risk_score !== undefined) {
      sets.push(sql`risk_score = ${integerOrNull("risk_score", outcome.risk_score, 0)}`);
    }
    if (outcome.error !== undefined) sets.push(sql`error = ${textOrNullIn("error", outcome.error)}`);
    const row = await this.db.fetchOne(
      sql`UPDATE job_runs SET ${sql.join(sets)} WHERE id = ${id} RETURNING *`,
    );
    if (row === null) throw new NotFoundError(`Job run ${id} not found`);
    return runOut(row);
  }

  async getRun(id: string): Promise<JobRun | null> {
    return runById(this.db, id);
  }

  /** A job's runs, newest first; bounded page. */
  async listRuns(jobId: string, options: PageOptions = {}): Promise<JobRun[]> {
    const { limit, offset } = page(options);
    const rows = await this.db.fetchAll(
      sql`SELECT * FROM job_runs WHERE job_id = ${jobId} ORDER BY started_at DESC, id ${byteOrder(this.db)} DESC LIMIT ${limit} OFFSET ${offset}`,
    );
    return runOut.rows(rows);
  }

  private async update(id: string, sets: SqlQuery[]): Promise<ScheduledJob> {
    const row = await this.db.fetchOne(
      sql`UPDATE scheduled_jobs SET ${sql.join(sets)} WHERE id = ${id} RETURNING *`,
    );
    if (row === null) throw new NotFoundError(`Scheduled job ${id} not found`);
    return jobOut(row);
  }
}
