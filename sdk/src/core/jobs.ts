import type { RequestOptions } from "../client.js";
import { APIResource } from "../internal/resource.js";
import { linkedController, sleep, withDeadline } from "../internal/runtime.js";
import { eventStreamInit, followEventStream } from "../internal/sse.js";
import type { Schema } from "../types.js";
import type { APIPromise } from "./api-promise.js";
import { JobFailedError, NotFoundError } from "./errors.js";

export type JobProgress = Schema<"JobProgress">;
export type JobStatus = Schema<"JobStatus">;
/** A progress event; from the `/status` fallback it may also say `skipped`. */
export type JobEvent = Omit<JobProgress, "status"> & { status: JobStatus["status"] };

const DONE = new Set<string>(["completed", "failed", "skipped"]);

/** Options of `jobs.watch`. */
export interface WatchOptions {
  /** Cancels the stream. */
  signal?: AbortSignal;
  /** Resume after this event id. */
  lastEventId?: string;
  /** Reconnection attempts in a row without a new event before giving up. Default 5. */
  maxReconnects?: number;
  /** Polling interval of the `/status` fallback. Default 1 s. */
  pollIntervalMs?: number;
}

/** Options of `jobs.wait`. */
export interface WaitOptions {
  /** Cancels the wait (APIUserAbortError). */
  signal?: AbortSignal;
  /** Give up (APIConnectionTimeoutError) after this long. Default: no limit. */
  timeoutMs?: number;
  /** Polling interval of the `/status` fallback. Default 1 s. */
  pollIntervalMs?: number;
}

export class Jobs extends APIResource {
  /** Live progress (kept about an hour after its last change; then 404, use `status`). */
  progress(jobId: string, options?: RequestOptions): APIPromise<JobProgress> {
    const init = { params: { path: { jobId } } };
    return this.client.request("get", "/api/engine/jobs/{jobId}/progress", init, options);
  }

  /** The job's permanent record: status, result, error_message, attempts, timestamps. */
  status(jobId: string, options?: RequestOptions): APIPromise<JobStatus> {
    const init = { params: { path: { jobId } } };
    return this.client.request("get", "/api/engine/jobs/{jobId}/status", init, options);
  }

  /**
   * Progress events as they happen, over Server-Sent Events, until the job completes or fails. A dropped stream
   * is resumed with `Last-Event-ID` (no event twice) after the server's `retry:` delay, doubling on repeated
   * drops. When the live progress has expired (or the stream answers 404), falls back to polling `/status`.
   * `break` or the signal cancels the stream.
   */
  async *watch(jobId: string, options: WatchOptions = {}): AsyncGenerator<JobEvent, void, undefined> {
    const controller = linkedController(options.signal);
    const { signal } = controller;
    const open = async (lastEventId: string | undefined) =>
      (await this.client.request(
        "get",
        "/api/engine/jobs/{jobId}/progress/stream",
        eventStreamInit({ jobId }, lastEventId),
        { signal },
      )) as unknown as ReadableStream<Uint8Array>;
    try {
      try {
        for await (const event of followEventStream(`job ${jobId}`, open, { ...options, signal })) {
          if (event.event === "expired") break;
          if (event.event !== "progress") continue;
          const progress = JSON.parse(event.data) as JobEvent;
          yield progress;
          if (DONE.has(progress.status)) return;
        }
      } catch (error) {
        if (!(error instanceof NotFoundError)) throw error;
      }
      // The live progress has expired (or was never there): the job's record tells the rest.
      yield* this.pollEvents(jobId, signal, options.pollIntervalMs ?? 1000);
    } finally {
      controller.abort();
    }
  }

  /**
   * Resolves with the job's final status once it is done; throws JobFailedError (with the server's
   * error_message) if it failed, APIConnectionTimeoutError after `timeoutMs`.
   */
  async wait(
    jobId: string,
    { signal, timeoutMs, pollIntervalMs = 1000 }: WaitOptions = {},
  ): Promise<JobStatus> {
    return withDeadline(signal, timeoutMs, `Job ${jobId}`, async (deadline) => {
      for await (const _ of this.watch(jobId, { signal: deadline, pollIntervalMs })) {
        // Only the end matters here.
      }
      // The record may trail the terminal progress event by a moment: read it until it is final too.
      let job: JobStatus | undefined;
      for await (job of this.statusUntilDone(jobId, deadline, pollIntervalMs)) {
        // Keep the last one.
      }
      if (job?.status === "failed") throw new JobFailedError(job);
      return job as JobStatus;
    });
  }

  private async *statusUntilDone(
    jobId: string,
    signal: AbortSignal,
    intervalMs: number,
  ): AsyncGenerator<JobStatus> {
    for (;;) {
      const job = await this.status(jobId, { signal });
      yield job;
      if (DONE.has(job.status)) return;
      await sleep(intervalMs, signal);
    }
  }

  /** The `/status` fallback as progress events, each change once. */
  private async *pollEvents(
    jobId: string,
    signal: AbortSignal,
    intervalMs: number,
  ): AsyncGenerator<JobEvent> {
    let last = "";
    for await (const job of this.statusUntilDone(jobId, signal, intervalMs)) {
      const event: JobEvent = { job_id: job.job_id, status: job.status, pct: job.pct, message: job.message };
      const key = JSON.stringify(event);
      if (key !== last) yield event;
      last = key;
    }
  }
}
