import type { z } from "zod";
import { actionJob } from "./definitions/action.js";
import { automationRunJob } from "./definitions/automation-run.js";
import { customerEraseJob } from "./definitions/customer-erase.js";
import { ingestJob } from "./definitions/ingest.js";
import { predictiveJob } from "./definitions/predictive.js";
import { projectDeleteJob } from "./definitions/project-delete.js";
import { segmentationJob } from "./definitions/segmentation.js";
import type { JobDefinition } from "./job.js";

/** Every job type, by name: the one list both runners, the scheduler and the pipeline read. */
export const JOBS = {
  ingest: ingestJob,
  segmentation: segmentationJob,
  predictive: predictiveJob,
  action: actionJob,
  automation_run: automationRunJob,
  project_delete: projectDeleteJob,
  customer_erase: customerEraseJob,
};

export type JobType = keyof typeof JOBS;
export type JobPayload<T extends JobType> = z.infer<(typeof JOBS)[T]["payload"]>;
export const JOB_TYPES = Object.keys(JOBS) as JobType[];

for (const type of JOB_TYPES) {
  const next = (JOBS[type] as JobDefinition).next;
  if (next && !(next.type in JOBS))
    throw new Error(`job ${type}: its next stage "${next.type}" is no job type`);
}

/** A job type's definition, typed loosely: what the runner works with. */
export const definitionOf = (type: string): JobDefinition | undefined =>
  Object.hasOwn(JOBS, type) ? (JOBS[type as JobType] as JobDefinition) : undefined;
