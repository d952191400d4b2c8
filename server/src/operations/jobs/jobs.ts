import type { JobRow } from "../../db/jobs.js";
import { DomainError } from "../../domain/errors.js";
import { requireJob } from "../../domain/jobs/access.js";
import { defineOperation } from "../../http/operation.js";
import { streamProgress } from "./stream-progress.js";

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export const presentJob = (job: JobRow) => ({
  job_id: job.id,
  project_id: job.project_id,
  type: job.type,
  status: job.status,
  pct: job.pct,
  message: job.message,
  file_id: job.file_id,
  result: job.result,
  error_message: job.error_message,
  attempts: job.attempts,
  created_at: job.created_at.toISOString(),
  started_at: iso(job.started_at),
  finished_at: iso(job.finished_at),
  updated_at: job.updated_at.toISOString(),
});

export const getJobStatus = defineOperation("getJobStatus", async ({ app, principal, params }) => ({
  status: 200,
  body: presentJob(await requireJob(app.db.knex, principal, params.jobId)),
}));

export const getJobProgress = defineOperation("getJobProgress", async ({ app, principal, params }) => {
  const job = await requireJob(app.db.knex, principal, params.jobId);
  const progress = await app.progress.latest(job.id);
  if (!progress) throw new DomainError("not_found", "not_found", "progress_expired", { id: job.id });
  return { status: 200, body: progress };
});

export const streamJobProgress = defineOperation(
  "streamJobProgress",
  async ({ app, principal, params, req, res }) => {
    const job = await requireJob(app.db.knex, principal, params.jobId);
    await streamProgress(app, job, req, res);
    return undefined;
  },
);
