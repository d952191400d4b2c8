import type { z } from "zod";
import type { AppContext } from "../context.js";
import type { Stage } from "../db/runs.js";
import type { Progress, StepOutcome } from "../domain/pipeline/progress.js";

/** What a job definition's `run` gets besides its payload. */
export interface JobRun {
  app: AppContext;
  jobId: string;
  /** 1 on the first try. */
  attempt: number;
  report: Progress;
}

/** How a job ended when it did not throw: a pipeline step's outcome. */
export type JobOutcome<R> = StepOutcome<R>;

/**
 * A job type: its payload (validated when enqueued and again when run), what it does, and whether one job of
 * a project must run alone (pipeline stages share one lease per project). The registry collects them; both
 * runners and the pipeline read only the registry.
 */
export interface JobDefinition<T extends string = string, P = unknown, R = unknown> {
  type: T;
  payload: z.ZodType<P>;
  /** The project a job belongs to, from its payload (null once its project may be gone). */
  projectOf(payload: P): string;
  /** At most one exclusive job of a project runs at a time, across every worker. */
  exclusive: boolean;
  /** The pipeline stage this job is, if it is one. */
  stage?: Stage;
  /** The stage scheduled for the same runs when this job completes. */
  next?: NextStage;
  maxAttempts: number;
  run(payload: P, job: JobRun): Promise<JobOutcome<R>>;
  /** Called once when the job has failed for good. */
  onFailure?(payload: P, app: AppContext, reason: string): Promise<void>;
}

export interface NextStage {
  type: string;
  /** Only once every batch of a run is stored (several ingest jobs, one segmentation). */
  whenRunIsComplete?: boolean;
  /** Joins the next stage's queued job of the project and pushes its start back (a burst, one pass). */
  debounce?: boolean;
}

export function defineJob<T extends string, P, R>(
  definition: Omit<JobDefinition<T, P, R>, "maxAttempts" | "exclusive"> &
    Partial<Pick<JobDefinition<T, P, R>, "maxAttempts" | "exclusive">>,
): JobDefinition<T, P, R> {
  return { maxAttempts: 3, exclusive: false, ...definition };
}
