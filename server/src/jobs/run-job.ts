import type { AppContext } from "../context.js";
import { findJob, insertJob, type JobRow, updateJob } from "../db/jobs.js";
import { PermanentJobError } from "./job-errors.js";
import { NEXT_STAGE, scheduleStage } from "./pipeline.js";
import { PROCESSORS, type StageOutcome } from "./processors/index.js";
import type { JobContext, JobHandler } from "./queue.js";

/**
 * The one place a job's life is recorded, whichever runner delivers it: the persisted row (status, attempts,
 * timestamps, result or error) and the live progress. A job already settled is not run again, so a redelivery
 * after a crash is harmless; a failure is retried until the last attempt, then recorded with its reason.
 */
export function jobHandler(app: AppContext): JobHandler {
  return async (ctx: JobContext) => {
    const db = app.db.knex;
    const log = app.logger.child({ jobId: ctx.id, type: ctx.type, attempt: ctx.attempt });
    let row = await findJob(db, ctx.id);
    if (!row) {
      await insertJob(db, {
        id: ctx.id,
        projectId: ctx.data.projectId,
        type: ctx.type,
        fileId: ctx.data.fileId,
        data: ctx.data,
      });
      row = await findJob(db, ctx.id);
    }
    if (!row || row.status === "completed" || row.status === "skipped" || row.status === "failed") return;

    const report = async (pct: number, message: string) => {
      await app.progress.publish({
        job_id: ctx.id,
        status: "processing",
        pct: Math.min(99, Math.round(pct)),
        message,
      });
    };
    await updateJob(db, ctx.id, {
      status: "processing",
      attempts: ctx.attempt,
      message: "Started",
      started: true,
    });
    await report(0, ctx.attempt > 1 ? `Started again (attempt ${ctx.attempt})` : "Started");

    let outcome: StageOutcome;
    try {
      outcome = await PROCESSORS[ctx.type](ctx, app, report);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const final = error instanceof PermanentJobError || ctx.attempt >= ctx.maxAttempts;
      log.warn({ err: error, final }, "job attempt failed");
      await updateJob(db, ctx.id, {
        status: final ? "failed" : "queued",
        error_message: reason,
        message: final ? `Failed: ${reason}` : `Attempt ${ctx.attempt} failed; retrying`,
        finished: final,
      });
      await app.progress.publish({
        job_id: ctx.id,
        status: final ? "failed" : "processing",
        pct: final ? 100 : 0,
        message: final ? `Failed: ${reason}` : `Attempt ${ctx.attempt} failed (${reason}); retrying`,
      });
      if (final) {
        await PROCESSORS[ctx.type].onFailure?.(ctx, app, reason);
        return;
      }
      throw error;
    }
    await settle(app, ctx, row, outcome);
  };
}

async function settle(app: AppContext, ctx: JobContext, row: JobRow, outcome: StageOutcome) {
  const status = outcome.skipped ? "skipped" : "completed";
  const message = outcome.skipped ?? outcome.message ?? "Done";
  const next = NEXT_STAGE[ctx.type];
  const result = { ...outcome.result };
  if (next) result.next_job_id = await scheduleStage(app, next, { projectId: row.project_id });
  await updateJob(app.db.knex, ctx.id, {
    status,
    pct: 100,
    message,
    result,
    error_message: null,
    finished: true,
  });
  await app.progress.publish({ job_id: ctx.id, status: "completed", pct: 100, message });
}
