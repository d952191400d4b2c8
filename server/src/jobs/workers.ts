import type { AppContext } from "../context.js";
import { findStaleQueuedJobs } from "../db/jobs.js";
import { jobHandler } from "./run-job.js";

/**
 * Starts consuming jobs in this process, and keeps nothing stuck: a job recorded as queued whose queue entry
 * was lost (an enqueue that failed after the row was written, or an embedded restart) is enqueued again under
 * its own id, which BullMQ treats as a no-op when the entry still exists.
 */
export async function startWorkers(app: AppContext): Promise<() => void> {
  await app.queue.startWorkers(jobHandler(app));
  const requeue = async (olderThanMs: number, interrupted = false) => {
    try {
      const stale = await findStaleQueuedJobs(app.db.knex, olderThanMs, interrupted);
      for (const job of stale) {
        await app.queue.enqueue(job.type, job.id, {
          projectId: job.project_id,
          ...job.data,
          fileId: job.file_id ?? undefined,
        });
      }
      if (stale.length > 0) {
        const processing = stale.filter((job) => job.status === "processing").length;
        app.logger.info(
          { requeued: stale.length, interrupted: processing },
          "unfinished jobs enqueued again",
        );
      }
    } catch (error) {
      app.logger.warn({ err: error }, "could not re-enqueue queued jobs; will try again");
    }
  };
  // An in-process queue starts empty: everything queued, and whatever a killed process left half-done (its
  // database transaction rolled back), runs again now. BullMQ keeps its own jobs and recovers stalled ones.
  if (app.queue.kind === "in-process") await requeue(0, true);
  else await requeue(60_000);
  const timer = setInterval(() => void requeue(60_000), 30_000);
  timer.unref();
  return () => clearInterval(timer);
}
