import { randomUUID } from "node:crypto";
import type { Knex } from "knex";
import type { JobRow } from "../../db/jobs.js";
import {
  findOpenRunForUpdate,
  findRun,
  insertRun,
  jobsOfRun,
  type RunRow,
  type RunStatus,
  type RunTrigger,
  type Stage,
  updateRun,
} from "../../db/runs.js";
import { DomainError } from "../errors.js";

/**
 * A pipeline run follows one accepted batch (or upload, or re-run) through ingest -> segmentation ->
 * predictive -> action. Its status is derived from its stages' jobs; a run whose segmentation was skipped (a
 * plan's model runs used up) ends `skipped` with the reason, so nobody mistakes old results for new ones.
 */
export const STAGES: readonly Stage[] = ["ingest", "segmentation", "predictive", "action"];

/** How much of a run each stage is, for its overall percentage. */
const STAGE_WEIGHT: Record<Stage, number> = { ingest: 40, segmentation: 35, predictive: 20, action: 5 };

/** An open run closes by itself this long after its last batch (a sender that never sent its final batch). */
export const OPEN_RUN_IDLE_MS = 10 * 60 * 1000;

export type RunJob = JobRow & { stage: Stage };

export interface RunState {
  status: RunStatus;
  pct: number;
  message: string;
  skipCode: string | null;
}

/** Starts a run in the caller's transaction; an open one takes more batches until its final batch. */
export async function startRun(
  db: Knex,
  projectId: string,
  trigger: RunTrigger,
  options: { open?: boolean } = {},
): Promise<string> {
  const id = randomUUID();
  await insertRun(db, {
    id,
    projectId,
    trigger,
    open: options.open ?? false,
    closesAt: options.open ? new Date(Date.now() + OPEN_RUN_IDLE_MS) : undefined,
  });
  return id;
}

/**
 * Adds a batch to an open run of the project (in the caller's transaction); the final batch closes it. A run
 * that is closed, finished or not the project's cannot take batches.
 */
export async function joinRun(db: Knex, projectId: string, runId: string, final: boolean): Promise<void> {
  const run = await findOpenRunForUpdate(db, projectId, runId);
  if (!run) throw new DomainError("not_found", "not_found", "not_found", { resource: "Run", id: runId });
  if (!run.open) throw new DomainError("conflict", "conflict", "run_closed", { id: runId });
  await updateRun(db, runId, {
    open: !final,
    closes_at: final ? null : new Date(Date.now() + OPEN_RUN_IDLE_MS),
  });
}

/**
 * A run's jobs in pipeline order (ingest, segmentation, predictive, action), oldest first within a stage. Not
 * creation order: a batch that arrives within the debounce window joins a segmentation queued before its own
 * ingest job existed.
 */
export const inPipelineOrder = <J extends Pick<RunJob, "stage">>(jobs: readonly J[]): J[] =>
  [...jobs].sort((a, b) => STAGES.indexOf(a.stage) - STAGES.indexOf(b.stage));

/** The state of a run from its jobs (pure). */
export function runState(run: Pick<RunRow, "open">, jobs: RunJob[]): RunState {
  const failed = jobs.find((j) => j.status === "failed");
  if (failed) {
    return {
      status: "failed",
      pct: 100,
      message: `The ${failed.stage} stage failed: ${failed.error_message ?? failed.message}`,
      skipCode: null,
    };
  }
  const skipped = jobs.find((j) => j.status === "skipped");
  if (skipped) return { status: "skipped", pct: 100, message: skipped.message, skipCode: skipped.skip_code };
  const action = jobs.find((j) => j.stage === "action");
  if (action?.status === "completed")
    return { status: "completed", pct: 100, message: "Done", skipCode: null };

  let pct = 0;
  for (const stage of STAGES) {
    const ofStage = jobs.filter((j) => j.stage === stage);
    if (ofStage.length === 0) continue;
    const done =
      ofStage.reduce((sum, j) => sum + (j.status === "completed" ? 100 : j.pct), 0) / ofStage.length;
    pct += (STAGE_WEIGHT[stage] * done) / 100;
  }
  const started = jobs.some((j) => j.status !== "queued");
  const current = [...jobs].reverse().find((j) => j.status === "processing") ?? jobs.at(-1);
  const waiting = run.open ? "Waiting for more batches" : "Queued";
  return {
    status: started ? "processing" : "queued",
    pct: Math.min(99, Math.round(pct)),
    message: current && current.status !== "queued" ? current.message : waiting,
    skipCode: null,
  };
}

/** Recomputes and stores a run's state from its jobs; returns the run, its jobs and whether the state changed. */
export async function refreshRun(db: Knex, runId: string) {
  const run = await findRun(db, runId);
  if (!run) return undefined;
  const jobs = await jobsOfRun(db, runId);
  const state = runState(run, jobs);
  const terminal = state.status === "completed" || state.status === "failed" || state.status === "skipped";
  const changed = state.status !== run.status || state.message !== run.message;
  if (changed) {
    await updateRun(db, runId, {
      status: state.status,
      message: state.message,
      skip_code: state.skipCode,
      finished: terminal && !run.finished_at,
    });
  }
  return { run: (await findRun(db, runId)) ?? run, jobs, state, changed };
}

/**
 * Whether a run is ready for segmentation: closed, every ingest job of it completed, and no segmentation yet.
 * Called whenever one of its ingest jobs completes (and when an open run closes).
 */
export async function readyForSegmentation(db: Knex, runId: string): Promise<boolean> {
  const run = await findRun(db, runId);
  if (!run || run.open) return false;
  const jobs = await jobsOfRun(db, runId);
  const ingest = jobs.filter((j) => j.stage === "ingest");
  return (
    ingest.length > 0 &&
    ingest.every((j) => j.status === "completed") &&
    !jobs.some((j) => j.stage !== "ingest")
  );
}
