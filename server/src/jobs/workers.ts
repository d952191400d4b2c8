import type { AppContext } from "../context.js";
import { isDatabaseUnavailable } from "../db/database.js";
import { findStaleQueuedJobs, findUnsettledJobs } from "../db/jobs.js";
import { findLapsedOpenRuns, updateRun } from "../db/runs.js";
import { runDueSchedules } from "../domain/automations/scheduler.js";
import { readyForSegmentation } from "../domain/pipeline/runs.js";
import { JOB_TYPES } from "./registry.js";
import { jobRunner } from "./runner.js";

/** How often the background duties below run in each worker process. */
const RELAY_EVERY_MS = 5_000;
const SCHEDULE_EVERY_MS = 20_000;
const SWEEP_EVERY_MS = 30_000;

/**
 * Starts consuming jobs in this process, plus the duties every worker shares (each safe to run in many
 * processes at once):
 * - the relay: recorded jobs the queue never took are handed over;
 * - scheduled automations: every 20 s, the automations due this minute start (each minute is claimed by one
 *   process with a conditional UPDATE, so a run starts once however many workers tick);
 * - open runs whose sender went quiet close by themselves and go on to segmentation;
 * - a job queued for long whose queue entry was lost (Redis flushed) is handed over again.
 * An in-process queue starts empty: every unsettled job (a killed process's transaction rolled back) runs again.
 */
export async function startWorkers(app: AppContext): Promise<() => void> {
  await app.queue.startWorkers(jobRunner(app), JOB_TYPES);
  const duty = (name: string, everyMs: number, work: () => Promise<unknown>) => {
    let running = false;
    const timer = setInterval(async () => {
      if (running) return;
      running = true;
      try {
        await work();
      } catch (error) {
        // A busy or briefly unreachable database (the embedded one has a single connection, which a long stage
        // holds) is not news: the duty simply runs again on its next tick.
        if (isDatabaseUnavailable(error)) {
          app.logger.debug(
            { duty: name, reason: (error as Error).message },
            "a worker duty waits for the database",
          );
        } else {
          app.logger.warn({ err: error, duty: name }, "a worker duty failed; it runs again soon");
        }
      } finally {
        running = false;
      }
    }, everyMs);
    timer.unref();
    return timer;
  };
  if (app.queue.kind === "in-process") {
    const unsettled = await findUnsettledJobs(app.db.knex);
    for (const job of unsettled) await app.jobs.requeue(job);
    if (unsettled.length > 0) {
      const interrupted = unsettled.filter((job) => job.status === "processing").length;
      app.logger.info({ requeued: unsettled.length, interrupted }, "unfinished jobs enqueued again");
    }
  }
  const timers = [
    duty("relay", RELAY_EVERY_MS, () => app.jobs.relay(RELAY_EVERY_MS)),
    duty("schedules", SCHEDULE_EVERY_MS, () => runDueSchedules({ db: app.db.knex, jobs: app.jobs })),
    duty("open runs", SWEEP_EVERY_MS, () => closeLapsedRuns(app)),
    duty("lost entries", SWEEP_EVERY_MS, () => requeueStale(app)),
  ];
  return () => {
    for (const timer of timers) clearInterval(timer);
  };
}

async function closeLapsedRuns(app: AppContext) {
  const db = app.db.knex;
  for (const run of await findLapsedOpenRuns(db)) {
    await updateRun(db, run.id, { open: false, closes_at: null });
    if (await readyForSegmentation(db, run.id)) {
      await app.jobs.enqueue({
        type: "segmentation",
        payload: { projectId: run.project_id },
        runIds: [run.id],
        debounce: true,
        delayMs: app.config.segmentationDebounceMs,
      });
    }
  }
}

async function requeueStale(app: AppContext) {
  for (const job of await findStaleQueuedJobs(app.db.knex, 10 * 60_000)) await app.jobs.requeue(job);
}
