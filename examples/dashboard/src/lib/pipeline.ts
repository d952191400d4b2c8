import type { JobStatus, Run, Segmento } from "@segmento/sdk";

/** The pipeline's stages in order. */
export const STAGES = ["ingest", "segmentation", "predictive", "action"] as const;

/** What a progress bar follows: a pipeline run (upload, segmentation), or a single job (an automation run). */
export type Followed = { run: string } | { job: string };

export interface PipelineProgress {
  /** The stage (or job type) that moved last. */
  stage: JobStatus["type"];
  status: JobStatus["status"];
  /** That stage's percent. */
  pct: number;
  message: string;
  /** The whole run's percent. */
  overall: number;
  done: boolean;
}

/** How a followed run or job ended: `skipped` carries why (e.g. `quota_exceeded`: stored but not scored). */
export interface Outcome {
  status: "completed" | "skipped";
  message: string;
  skipCode: string | null;
}

export class RunFailedError extends Error {
  override name = "RunFailedError";
}

/**
 * Follows a run over the SDK's one stream across all its stages (SSE, resumed by the SDK when it drops), or a
 * single job over its own stream, until it ends. Rejects with RunFailedError when it fails.
 */
export async function follow(
  client: Segmento,
  followed: Followed,
  onProgress: (progress: PipelineProgress) => void,
  signal?: AbortSignal,
): Promise<Outcome> {
  if ("run" in followed) {
    for await (const event of client.runs.watch(followed.run, { signal })) {
      onProgress({
        stage: event.stage ?? "ingest",
        status: event.stage_status,
        pct: event.stage_pct,
        message: event.message,
        overall: event.pct,
        done: false,
      });
    }
    const run: Run = await client.runs.get(followed.run, { signal });
    const last = run.stages.at(-1);
    onProgress({
      stage: last?.stage ?? "ingest",
      status: run.status,
      pct: 100,
      message: run.message,
      overall: 100,
      done: true,
    });
    if (run.status === "failed") throw new RunFailedError(run.message);
    return {
      status: run.status === "skipped" ? "skipped" : "completed",
      message: run.message,
      skipCode: run.skip_code,
    };
  }
  const { type } = await client.jobs.status(followed.job, { signal });
  for await (const event of client.jobs.watch(followed.job, { signal })) {
    const { status, pct, message } = event;
    onProgress({ stage: type, status, pct, message, overall: pct, done: false });
  }
  const job = await client.jobs.wait(followed.job, { signal });
  onProgress({
    stage: job.type,
    status: job.status,
    pct: 100,
    message: job.message,
    overall: 100,
    done: true,
  });
  return { status: job.status === "skipped" ? "skipped" : "completed", message: job.message, skipCode: null };
}
