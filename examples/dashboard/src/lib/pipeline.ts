import type { JobStatus, Segmento } from "@segmento/sdk";

/** The pipeline's stages in order: each is a job, and each finished job names the next one. */
export const STAGES = ["ingest", "segmentation", "predictive", "action"] as const;

export interface PipelineProgress {
  /** The stage's job type (an automation run has a single stage). */
  stage: JobStatus["type"];
  status: JobStatus["status"];
  /** This stage's percent. */
  pct: number;
  message: string;
  /** The whole run's percent: finished stages count fully. */
  overall: number;
  done: boolean;
}

/**
 * Follows a job and the jobs it leads to over the SDK's live progress stream (SSE), until the last stage
 * finishes. Rejects with JobFailedError when a stage fails.
 */
export async function followPipeline(
  client: Segmento,
  firstJobId: string,
  onProgress: (progress: PipelineProgress) => void,
  signal?: AbortSignal,
): Promise<JobStatus[]> {
  const finished: JobStatus[] = [];
  let jobId: string | undefined = firstJobId;
  while (jobId) {
    const job = await client.jobs.status(jobId, { signal });
    const position = STAGES.indexOf(job.type as (typeof STAGES)[number]);
    const count = position < 0 ? 1 : STAGES.length;
    const before = Math.max(0, position);
    const report = (status: JobStatus["status"], pct: number, message: string, done = false) =>
      onProgress({
        stage: job.type,
        status,
        pct,
        message,
        overall: done ? 100 : ((before + (status === "completed" ? 1 : pct / 100)) / count) * 100,
        done,
      });
    report(job.status, job.pct, job.message);
    for await (const event of client.jobs.watch(jobId, { signal })) {
      report(event.status, event.pct, event.message);
    }
    const final = await client.jobs.wait(jobId, { signal });
    finished.push(final);
    jobId = (final.result as { next_job_id?: string } | null)?.next_job_id;
    report(final.status, 100, final.message, !jobId);
  }
  return finished;
}
