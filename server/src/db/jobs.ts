import type { Knex } from "knex";

export type JobStatus = "queued" | "processing" | "completed" | "failed" | "skipped";
export const SETTLED: readonly JobStatus[] = ["completed", "failed", "skipped"];

/**
 * The jobs table: the persisted record of every job (what `GET .../status` answers), and the outbox the queue
 * is fed from: a row is written in the transaction that causes it, `enqueued_at` says when the queue took it.
 */
export interface JobRow {
  id: string;
  organization_id: string;
  /** Null once the project is deleted (the deletion job itself outlives it). */
  project_id: string | null;
  type: string;
  status: JobStatus;
  pct: number;
  message: string;
  file_id: string | null;
  data: Record<string, unknown>;
  result: Record<string, unknown> | null;
  error_message: string | null;
  /** Why a skipped job did not apply (e.g. quota_exceeded). */
  skip_code: string | null;
  attempts: number;
  /** Not to start before (a debounced job's start moves back with each new request). */
  run_after: Date | null;
  debounce_key: string | null;
  enqueued_at: Date | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  updated_at: Date;
}

export interface NewJob {
  id: string;
  organizationId: string;
  projectId: string;
  type: string;
  data: Record<string, unknown>;
  fileId?: string | null;
  runAfter?: Date;
  /** Jobs with the same key collapse into the one still queued, whose start moves to `runAfter`. */
  debounceKey?: string;
}

/** Records a job; a debounced one joins the queued job of its key if there is one. Returns the id that will run. */
export async function insertJob(db: Knex, job: NewJob): Promise<{ id: string; joined: boolean }> {
  const result = await db.raw(
    `INSERT INTO jobs (id, organization_id, project_id, type, data, file_id, run_after, debounce_key)
     VALUES (?, ?, ?, ?, ?::jsonb, ?, ?, ?)
     ON CONFLICT (debounce_key) WHERE status = 'queued' AND debounce_key IS NOT NULL
     DO UPDATE SET run_after = excluded.run_after, data = excluded.data, updated_at = now()
     RETURNING id, (xmax <> 0) AS joined`,
    [
      job.id,
      job.organizationId,
      job.projectId,
      job.type,
      JSON.stringify(job.data),
      job.fileId ?? null,
      job.runAfter ?? null,
      job.debounceKey ?? null,
    ],
  );
  const row = result.rows[0] as { id: string; joined: boolean };
  return { id: row.id, joined: Boolean(row.joined) };
}

export function findJob(db: Knex, jobId: string): Promise<JobRow | undefined> {
  return db("jobs").where({ id: jobId }).first();
}

export function findJobs(db: Knex, jobIds: string[]): Promise<JobRow[]> {
  return db("jobs").whereIn("id", jobIds).orderBy("created_at");
}

/**
 * Marks a job as being worked on by this attempt. Refused (false) when it settled meanwhile or waits for a
 * later start; a job left `processing` by a dead worker is taken over.
 */
export async function claimJob(db: Knex, jobId: string, attempt: number): Promise<boolean> {
  const claimed = await db("jobs")
    .where({ id: jobId })
    .whereIn("status", ["queued", "processing"])
    .andWhere((q) => q.whereNull("run_after").orWhere("run_after", "<=", db.fn.now()))
    .update({
      status: "processing",
      attempts: attempt,
      message: attempt > 1 ? `Started again (attempt ${attempt})` : "Started",
      started_at: db.fn.now(),
      updated_at: db.fn.now(),
    });
  return claimed > 0;
}

export async function updateJob(
  db: Knex,
  jobId: string,
  changes: Partial<Pick<JobRow, "status" | "pct" | "message" | "result" | "error_message" | "skip_code">> & {
    finished?: boolean;
  },
): Promise<void> {
  const { finished, result, ...rest } = changes;
  await db("jobs")
    .where({ id: jobId })
    .update({
      ...rest,
      ...(result !== undefined ? { result: JSON.stringify(result) } : {}),
      ...(finished ? { finished_at: db.fn.now() } : {}),
      updated_at: db.fn.now(),
    });
}

/** The outbox: jobs the queue has not taken yet, older than `olderThanMs` (their writer may have died). */
export function findUnenqueuedJobs(db: Knex, olderThanMs: number): Promise<JobRow[]> {
  return db("jobs")
    .whereNull("enqueued_at")
    .whereNotIn("status", SETTLED as JobStatus[])
    .andWhere("created_at", "<", db.raw("now() - (? * interval '1 millisecond')", [olderThanMs]))
    .orderBy("created_at", "asc")
    .limit(1000);
}

export async function markEnqueued(db: Knex, jobId: string): Promise<void> {
  await db("jobs").where({ id: jobId }).whereNull("enqueued_at").update({ enqueued_at: db.fn.now() });
}

/** Every job not settled yet: what an in-process runner, which keeps nothing across restarts, runs again. */
export function findUnsettledJobs(db: Knex): Promise<JobRow[]> {
  return db("jobs")
    .whereNotIn("status", SETTLED as JobStatus[])
    .orderBy("created_at", "asc");
}

export function latestJobs(db: Knex, projectId: string): Promise<Pick<JobRow, "type" | "finished_at">[]> {
  return db("jobs")
    .where({ project_id: projectId, status: "completed" })
    .groupBy("type")
    .select("type", db.raw("max(finished_at) as finished_at"));
}

/**
 * Jobs still queued `olderThanMs` after they were due (their queue entry may be lost, e.g. Redis flushed): they
 * are handed to the queue again, which ignores an entry it still has.
 */
export function findStaleQueuedJobs(db: Knex, olderThanMs: number): Promise<JobRow[]> {
  return db("jobs")
    .where({ status: "queued" })
    .whereNotNull("enqueued_at")
    .andWhere(
      db.raw("coalesce(run_after, created_at)"),
      "<",
      db.raw("now() - (? * interval '1 millisecond')", [olderThanMs]),
    )
    .orderBy("created_at", "asc")
    .limit(1000);
}

/** How many jobs of each type are in each state (the metrics' jobs gauge). */
export async function countJobsByTypeAndStatus(
  db: Knex,
): Promise<{ type: string; status: JobStatus; count: number }[]> {
  const rows = await db("jobs")
    .select("type", "status")
    .count<{ type: string; status: JobStatus; count: string }[]>("* as count")
    .groupBy("type", "status");
  return rows.map((row) => ({ type: row.type, status: row.status, count: Number(row.count) }));
}
