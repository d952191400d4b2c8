import type { JobRow } from "../../db/jobs.js";
import { DomainError } from "../../domain/errors.js";
import { requireJob } from "../../domain/jobs/access.js";
import { defineOperation } from "../../http/operation.js";
import { streamTopic } from "../../http/sse.js";
import type { JobProgress } from "../../jobs/runner.js";

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const FINAL = new Set(["completed", "failed", "skipped"]);

/** A job's record as the contract shows it; `result` has the shape of its type (the spec's JobStatus). */
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
  skip_code: job.skip_code,
  attempts: job.attempts,
  created_at: job.created_at.toISOString(),
  started_at: iso(job.started_at),
  finished_at: iso(job.finished_at),
  updated_at: job.updated_at.toISOString(),
});

export const getJobStatus = defineOperation("getJobStatus", async ({ app, principal, params }) => ({
  status: 200,
  // The contract's JobStatus is one variant per job type; the row's `type` picks it (checked in tests).
  body: presentJob(await requireJob(app.db.knex, principal, params.jobId)) as never,
}));

export const getJobProgress = defineOperation("getJobProgress", async ({ app, principal, params }) => {
  const job = await requireJob(app.db.knex, principal, params.jobId);
  const latest = await app.progress.latest(`job:${job.id}`);
  if (!latest) throw new DomainError("not_found", "not_found", "progress_expired", { id: job.id });
  return { status: 200, body: latest.data as JobProgress };
});

export const streamJobProgress = defineOperation(
  "streamJobProgress",
  async ({ app, principal, params, req, res }) => {
    const job = await requireJob(app.db.knex, principal, params.jobId);
    await streamTopic(app, req, res, `job:${job.id}`, {
      isLast: (event) => FINAL.has((event.data as JobProgress).status),
      // A settled job whose live progress has expired: say so, and point at /status.
      whenQuiet: async () =>
        FINAL.has(job.status) ? { event: "expired", data: { job_id: job.id } } : undefined,
    });
    return undefined;
  },
);
