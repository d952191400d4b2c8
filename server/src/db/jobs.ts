import type { Knex } from "knex";

export type JobType = "ingest" | "segmentation" | "predictive" | "action" | "automation_run";
export type JobStatus = "queued" | "processing" | "completed" | "failed" | "skipped";

/** The jobs table: the persisted record of every pipeline job (what `GET .../status` answers). */
export interface JobRow {
  id: string;
  project_id: string;
  type: JobType;
  status: JobStatus;
  pct: number;
  message: string;
  file_id: string | null;
  data: Record<string, unknown>;
  result: Record<string, unknown> | null;
  error_message: string | null;
  attempts: number;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  updated_at: Date;
}

export async function insertJob(
  db: Knex,
  job: {
    id: string;
    projectId: string;
    type: JobType;
    fileId?: string | null;
    data?: Record<string, unknown>;
    status?: JobStatus;
    message?: string;
  },
): Promise<void> {
  await db("jobs")
    .insert({
      id: job.id,
      project_id: job.projectId,
      type: job.type,
      file_id: job.fileId ?? null,
      data: JSON.stringify(job.data ?? {}),
      status: job.status ?? "queued",
      message: job.message ?? "Queued",
      ...(job.status === "skipped" ? { pct: 100, finished_at: db.fn.now() } : {}),
    })
    .onConflict("id")
    .ignore();
}

export function findJob(db: Knex, jobId: string): Promise<JobRow | undefined> {
  return db("jobs").where({ id: jobId }).first();
}

export async function updateJob(
  db: Knex,
  jobId: string,
  changes: Partial<Pick<JobRow, "status" | "pct" | "message" | "result" | "error_message" | "attempts">> & {
    started?: boolean;
    finished?: boolean;
  },
): Promise<void> {
  const { started, finished, result, ...rest } = changes;
  await db("jobs")
    .where({ id: jobId })
    .update({
      ...rest,
      ...(result !== undefined ? { result: JSON.stringify(result) } : {}),
      ...(started ? { started_at: db.fn.now() } : {}),
      ...(finished ? { finished_at: db.fn.now() } : {}),
      updated_at: db.fn.now(),
    });
}

/**
 * Jobs still queued after `olderThanMs` (their queue entry may have been lost), and with `interrupted` also those
 * left "processing" by a process that died: all are enqueued again.
 */
export function findStaleQueuedJobs(db: Knex, olderThanMs: number, interrupted = false): Promise<JobRow[]> {
  return db("jobs")
    .whereIn("status", interrupted ? ["queued", "processing"] : ["queued"])
    .andWhere("created_at", "<", db.raw("now() - (? * interval '1 millisecond')", [olderThanMs]))
    .orderBy("created_at", "asc")
    .limit(1000);
}

export function latestJobs(db: Knex, projectId: string): Promise<Pick<JobRow, "type" | "finished_at">[]> {
  return db("jobs")
    .where({ project_id: projectId, status: "completed" })
    .groupBy("type")
    .select("type", db.raw("max(finished_at) as finished_at"));
}

export async function deleteJob(db: Knex, jobId: string): Promise<void> {
  await db("jobs").where({ id: jobId }).delete();
}
