import type { Knex } from "knex";
import { findJob, type JobRow } from "../../db/jobs.js";
import { findOrganizationOfUser } from "../../db/organizations.js";
import { notFound } from "../errors.js";
import type { Principal } from "../principal.js";

/**
 * A job the caller may see: one of their organization's (a session of a member), or one of the project an API
 * key belongs to. A job outlives a deleted project (the deletion is itself a job), so access follows the
 * organization recorded on the job. Any other job id is simply not found.
 */
export async function requireJob(db: Knex, principal: Principal, jobId: string): Promise<JobRow> {
  const job = await findJob(db, jobId);
  if (!job || !(await mayRead(db, principal, job))) throw notFound("Job", jobId);
  return job;
}

async function mayRead(db: Knex, principal: Principal, job: JobRow): Promise<boolean> {
  if (principal.kind === "apiKey") return job.project_id !== null && job.project_id === principal.projectId;
  if (principal.kind !== "session") return false;
  return (await findOrganizationOfUser(db, job.organization_id, principal.userId)) !== undefined;
}
