import type { Knex } from "knex";
import type { JobRow } from "./jobs.js";

export type RunStatus = "queued" | "processing" | "completed" | "failed" | "skipped";
export type RunTrigger = "ingest" | "upload" | "segmentation";
export type Stage = "ingest" | "segmentation" | "predictive" | "action";

/** The pipeline_runs table: one run per accepted batch, upload or re-run, followed across its stages' jobs. */
export interface RunRow {
  id: string;
  project_id: string;
  trigger: RunTrigger;
  status: RunStatus;
  message: string;
  skip_code: string | null;
  open: boolean;
  closes_at: Date | null;
  created_at: Date;
  updated_at: Date;
  finished_at: Date | null;
}

export async function insertRun(
  db: Knex,
  run: { id: string; projectId: string; trigger: RunTrigger; open?: boolean; closesAt?: Date },
): Promise<void> {
  await db("pipeline_runs").insert({
    id: run.id,
    project_id: run.projectId,
    trigger: run.trigger,
    open: run.open ?? false,
    closes_at: run.closesAt ?? null,
  });
}

export async function linkJob(db: Knex, runIds: string[], jobId: string, stage: Stage): Promise<void> {
  if (runIds.length === 0) return;
  await db("run_jobs")
    .insert(runIds.map((runId) => ({ run_id: runId, job_id: jobId, stage })))
    .onConflict(["run_id", "job_id"])
    .ignore();
}

export function findRun(db: Knex, runId: string): Promise<RunRow | undefined> {
  return db("pipeline_runs").where({ id: runId }).first();
}

/** An open run of the project that may take more batches, locked for the caller's transaction. */
export function findOpenRunForUpdate(
  db: Knex,
  projectId: string,
  runId: string,
): Promise<RunRow | undefined> {
  return db("pipeline_runs").where({ id: runId, project_id: projectId }).forUpdate().first();
}

export function listRuns(
  db: Knex,
  projectId: string,
  page: { limit: number; offset: number },
): Promise<RunRow[]> {
  return db("pipeline_runs")
    .where({ project_id: projectId })
    .orderBy([
      { column: "created_at", order: "desc" },
      { column: "id", order: "desc" },
    ])
    .limit(page.limit)
    .offset(page.offset);
}

export async function countRuns(db: Knex, projectId: string): Promise<number> {
  const row = await db("pipeline_runs")
    .where({ project_id: projectId })
    .count<{ n: string }>("* as n")
    .first();
  return Number(row?.n ?? 0);
}

export function runIdsOfJob(db: Knex, jobId: string): Promise<string[]> {
  return db("run_jobs").where({ job_id: jobId }).orderBy("run_id").pluck("run_id");
}

/** A run's jobs with the stage each one plays in it, oldest first. */
export function jobsOfRun(db: Knex, runId: string): Promise<(JobRow & { stage: Stage })[]> {
  return db("run_jobs")
    .join("jobs", "jobs.id", "run_jobs.job_id")
    .where({ "run_jobs.run_id": runId })
    .orderBy("jobs.created_at")
    .select("jobs.*", "run_jobs.stage");
}

export async function updateRun(
  db: Knex,
  runId: string,
  changes: Partial<Pick<RunRow, "status" | "message" | "skip_code" | "open" | "closes_at">> & {
    finished?: boolean;
  },
): Promise<void> {
  const { finished, ...rest } = changes;
  await db("pipeline_runs")
    .where({ id: runId })
    .update({ ...rest, ...(finished ? { finished_at: db.fn.now() } : {}), updated_at: db.fn.now() });
}

/** Open runs whose last batch came too long ago: they close by themselves. */
export function findLapsedOpenRuns(db: Knex): Promise<RunRow[]> {
  return db("pipeline_runs").where({ open: true }).andWhere("closes_at", "<", db.fn.now()).limit(100);
}

/** What started the runs a job serves (a debounced stage may serve several). */
export function triggersOfJob(db: Knex, jobId: string): Promise<RunTrigger[]> {
  return db("run_jobs as j")
    .join("pipeline_runs as r", "r.id", "j.run_id")
    .where("j.job_id", jobId)
    .distinct()
    .pluck("r.trigger");
}
