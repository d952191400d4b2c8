import { randomUUID } from "node:crypto";
import type { AppContext } from "../context.js";
import { insertJob, type JobType } from "../db/jobs.js";
import type { JobData } from "./queue.js";

/**
 * The project lifecycle: ingest -> segmentation -> predictive -> action. Each stage is a job; a finished stage
 * schedules the next. Segmentation is debounced per project, so a burst of ingest batches leads to one run
 * after the burst rather than one per batch.
 */
export const NEXT_STAGE: Partial<Record<JobType, JobType>> = {
  ingest: "segmentation",
  segmentation: "predictive",
  predictive: "action",
};

/**
 * Enqueues a stage job and records it; returns the id that will run (debounced jobs share one). Segmentation
 * after ingestion waits for the burst to end; one asked for explicitly (`now`) starts at once.
 */
export async function scheduleStage(
  app: AppContext,
  type: JobType,
  data: JobData,
  options: { now?: boolean } = {},
): Promise<string> {
  const debounce = type === "segmentation" && !options.now;
  const id = await app.queue.enqueue(type, randomUUID(), data, {
    delayMs: debounce ? app.config.segmentationDebounceMs : 0,
    debounceKey: debounce ? `segmentation:${data.projectId}` : undefined,
  });
  await insertJob(app.db.knex, { id, projectId: data.projectId, type, data });
  return id;
}
