import type { Knex } from "knex";
import type { AppContext } from "../context.js";
import { claimJob, findJob, type JobRow, SETTLED, updateJob } from "../db/jobs.js";
import { acquireProjectLease, releaseProjectLease, renewProjectLease } from "../db/projects.js";
import { runIdsOfJob } from "../db/runs.js";
import { DomainError } from "../domain/errors.js";
import { PermanentStepError, type StepOutcome } from "../domain/pipeline/progress.js";
import {
  type RunJob,
  type RunState,
  readyForSegmentation,
  refreshRun,
  runState,
} from "../domain/pipeline/runs.js";
import { translate } from "../i18n/index.js";
import { DeferJob, type JobHandler } from "../queue/queue.js";
import type { JobDefinition } from "./job.js";
import { definitionOf, type JobType } from "./registry.js";

/** How long a job waits before trying again for a project whose lease another job holds. */
const BUSY_PROJECT_RETRY_MS = 2000;

/** What `GET .../progress` answers and each job SSE `progress` event carries. */
export interface JobProgress {
  job_id: string;
  status: "queued" | "processing" | "completed" | "failed" | "skipped";
  pct: number;
  message: string;
}

/**
 * The one place a job's life is recorded, whichever runner delivers it: its row (status, attempts, timestamps,
 * result or error), its live progress and that of the runs it belongs to, the project lease of exclusive jobs,
 * and the next pipeline stage. A job already settled is not run again, so a second delivery is harmless; a
 * failure is retried until the last attempt, then recorded with its reason.
 */
export function jobRunner(app: AppContext): JobHandler {
  return async ({ id, attempt, maxAttempts }) => {
    const db = app.db.knex;
    const row = await findJob(db, id);
    // No row: the transaction that recorded it rolled back, so the job never existed.
    if (!row || SETTLED.includes(row.status)) return;
    if (row.run_after && row.run_after.getTime() > Date.now()) throw new DeferJob(row.run_after);
    const definition = definitionOf(row.type);
    const parsed = definition?.payload.safeParse(row.data);
    if (!definition || !parsed?.success) {
      const reason = definition
        ? `its payload is invalid: ${parsed?.error?.message}`
        : `"${row.type}" is not a job type this server knows`;
      await fail(app, row, [], reason);
      return;
    }
    const lease =
      definition.exclusive && row.project_id ? await takeLease(app, row.project_id, id) : undefined;
    try {
      if (!(await claimJob(db, id, attempt))) {
        const now = await findJob(db, id);
        if (now?.run_after && now.run_after.getTime() > Date.now()) throw new DeferJob(now.run_after);
        return;
      }
      const runIds = await runIdsOfJob(db, id);
      const log = app.logger.child({ jobId: id, type: row.type, attempt });
      // Reports may come from inside a stage's database transaction (on the embedded database, the only
      // connection): they publish live progress only, computing the runs' progress from a snapshot taken here.
      const live = await liveRuns(app, runIds);
      const report = async (pct: number, message: string) => {
        const progress = {
          job_id: id,
          status: "processing" as const,
          pct: Math.min(99, Math.round(pct)),
          message,
        };
        await app.progress.publish(`job:${id}`, "progress", progress);
        await live.publish(progress);
      };
      await updateJob(db, id, { status: "processing", pct: 0 });
      await report(0, attempt > 1 ? `Started again (attempt ${attempt})` : "Started");

      let outcome: StepOutcome<unknown>;
      try {
        outcome = await app.metrics.time(app.metrics.jobDuration, { queue: row.type }, () =>
          definition.run(parsed.data, { app, jobId: id, attempt, report }),
        );
      } catch (error) {
        const reason = failureReason(error);
        const final = error instanceof PermanentStepError || attempt >= maxAttempts;
        log.warn({ err: error, final }, "job attempt failed");
        if (!final) {
          await updateJob(db, id, { status: "queued", message: `Attempt ${attempt} failed; retrying` });
          await publish(app, id, runIds, {
            job_id: id,
            status: "processing",
            pct: 0,
            message: `Attempt ${attempt} failed (${reason}); retrying`,
          });
          throw error;
        }
        await fail(app, row, runIds, reason);
        await definition.onFailure?.(parsed.data, app, reason);
        return;
      }
      await settle(app, row, definition, parsed.data, runIds, outcome);
    } finally {
      await lease?.release();
    }
  };
}

/**
 * What a failed attempt's record says: a domain error in words (a job has no caller's language: English), for
 * example which URL was refused and why, rather than its code.
 */
function failureReason(error: unknown): string {
  if (error instanceof DomainError) return translate("en", error.messageKey, error.params);
  return error instanceof Error ? error.message : String(error);
}

/**
 * Takes the project's lease for an exclusive job and keeps renewing it while the job runs; a job that cannot
 * take it now is deferred (the same attempt, a little later).
 */
async function takeLease(app: AppContext, projectId: string, jobId: string) {
  const db = app.db.knex;
  const ms = app.config.workerLockMs;
  if (!(await acquireProjectLease(db, projectId, jobId, ms))) {
    throw new DeferJob(new Date(Date.now() + BUSY_PROJECT_RETRY_MS));
  }
  const timer = setInterval(
    () =>
      void renewProjectLease(db, projectId, jobId, ms).catch((error) =>
        app.logger.warn({ err: error, jobId }, "could not renew the project lease"),
      ),
    Math.max(500, Math.floor(ms / 3)),
  );
  timer.unref();
  return {
    async release() {
      clearInterval(timer);
      await releaseProjectLease(db, projectId, jobId);
    },
  };
}

async function fail(app: AppContext, row: JobRow, runIds: string[], reason: string) {
  await updateJob(app.db.knex, row.id, {
    status: "failed",
    error_message: reason,
    message: `Failed: ${reason}`,
    finished: true,
  });
  await publish(app, row.id, runIds, {
    job_id: row.id,
    status: "failed",
    pct: 100,
    message: `Failed: ${reason}`,
  });
}

async function settle(
  app: AppContext,
  row: JobRow,
  definition: JobDefinition,
  payload: unknown,
  runIds: string[],
  outcome: StepOutcome<unknown>,
) {
  const db = app.db.knex;
  if (outcome.status === "skipped") {
    await updateJob(db, row.id, {
      status: "skipped",
      pct: 100,
      message: outcome.reason,
      skip_code: outcome.code,
      result: null,
      finished: true,
    });
    await publish(app, row.id, runIds, {
      job_id: row.id,
      status: "skipped",
      pct: 100,
      message: outcome.reason,
    });
    return;
  }
  // The job's completion and its next stage commit together: whoever sees it completed sees its successor.
  await db.transaction(async (trx) => {
    await updateJob(trx, row.id, {
      status: "completed",
      pct: 100,
      message: outcome.message,
      result: outcome.result as Record<string, unknown>,
      error_message: null,
      finished: true,
    });
    const nextJobId = await scheduleNext(app, trx, definition, payload, runIds);
    if (nextJobId) {
      await updateJob(trx, row.id, { result: { ...(outcome.result as object), next_job_id: nextJobId } });
    }
  });
  await publish(app, row.id, runIds, {
    job_id: row.id,
    status: "completed",
    pct: 100,
    message: outcome.message,
  });
}

/** The next pipeline stage for the runs this job completes (for ingest: the runs whose every batch is stored). */
async function scheduleNext(
  app: AppContext,
  trx: Knex,
  definition: JobDefinition,
  payload: unknown,
  runIds: string[],
): Promise<string | undefined> {
  const next = definition.next;
  if (!next) return undefined;
  let runs = runIds;
  if (next.whenRunIsComplete) {
    runs = [];
    for (const runId of runIds) if (await readyForSegmentation(trx, runId)) runs.push(runId);
    if (runs.length === 0) return undefined;
  }
  return app.jobs.record(trx, {
    type: next.type as JobType,
    payload: { projectId: definition.projectOf(payload) } as never,
    runIds: runs,
    debounce: next.debounce,
    delayMs: next.debounce ? app.config.segmentationDebounceMs : 0,
  });
}

/**
 * The live progress of the runs a job belongs to, while it runs: each run's other jobs as they were when this
 * one started, with this job's latest progress in its place.
 */
async function liveRuns(app: AppContext, runIds: string[]) {
  const snapshots: NonNullable<Awaited<ReturnType<typeof refreshRun>>>[] = [];
  for (const runId of runIds) {
    const refreshed = await refreshRun(app.db.knex, runId);
    if (refreshed) snapshots.push(refreshed);
  }
  return {
    async publish(progress: JobProgress) {
      for (const { run, jobs } of snapshots) {
        const now = jobs.map((job) =>
          job.id === progress.job_id
            ? { ...job, status: progress.status, pct: progress.pct, message: progress.message }
            : job,
        );
        const state = runState(run, now);
        await app.progress.publish(`run:${run.id}`, "progress", runEvent(run.id, state, progress, now));
      }
    },
  };
}

/** Publishes a job's final progress, and the new state of each run it belongs to, stored first. */
async function publish(app: AppContext, jobId: string, runIds: string[], progress: JobProgress) {
  await app.progress.publish(`job:${jobId}`, "progress", progress);
  for (const runId of runIds) {
    const refreshed = await refreshRun(app.db.knex, runId);
    if (refreshed) {
      await app.progress.publish(
        `run:${runId}`,
        "progress",
        runEvent(runId, refreshed.state, progress, refreshed.jobs),
      );
    }
  }
}

/** A run stream's event: the run's state, and the stage whose job moved. */
function runEvent(runId: string, state: RunState, progress: JobProgress, jobs: RunJob[]) {
  return {
    run_id: runId,
    status: state.status,
    pct: state.pct,
    message: state.message,
    stage: jobs.find((j) => j.id === progress.job_id)?.stage ?? null,
    job_id: progress.job_id,
    stage_status: progress.status,
    stage_pct: progress.pct,
    skip_code: state.skipCode,
  };
}
