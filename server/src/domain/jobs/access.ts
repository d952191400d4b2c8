import type { Knex } from "knex";
import { findJob, type JobRow } from "../../db/jobs.js";
import { notFound } from "../errors.js";
import { requireProjectOf } from "../organizations/access.js";
import type { Principal } from "../principal.js";

/** A job the caller may see: one of a project they can reach. Any other job id is simply not found. */
export async function requireJob(db: Knex, principal: Principal, jobId: string): Promise<JobRow> {
  const job = await findJob(db, jobId);
  if (!job) throw notFound("Job", jobId);
  await requireProjectOf(db, principal, job.project_id, "Job", jobId);
  return job;
}
