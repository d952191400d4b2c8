import type { RequestOptions } from "../client.js";
import { APIResource } from "../internal/resource.js";
import { linkedController, sleep, withDeadline } from "../internal/runtime.js";
import { decodeServerSentEvents, type StreamControl } from "../internal/sse.js";
import type { Schema } from "../types.js";
import type { APIPromise } from "./api-promise.js";
import { APIConnectionError, APIUserAbortError, JobFailedError, NotFoundError } from "./errors.js";

export type JobProgress = Schema<"JobProgress">;
export type JobStatus = Schema<"JobStatus">;
/** A progress event; from the `/status` fallback it may also say `skipped`. */
export type JobEvent = Omit<JobProgress, "status"> & { status: JobStatus["status"] };

const DONE = new Set<string>(["completed", "failed", "skipped"]);

export interface WatchOptions {
  signal?: AbortSignal;
  /** Resume after this event id. */
  lastEventId?: string;
  /** Reconnection attempts in a row without a new event before giving up. Default 5. */
  maxReconnects?: number;
  /** Polling interval of the `/status` fallback. Default 1 s. */
  pollIntervalMs?: number;
}

export interface WaitOptions {
  signal?: AbortSignal;
  /** Give up (APIConnectionTimeoutError) after this long. Default: no limit. */
  timeoutMs?: number;
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
    const { maxReconnects = 5, pollIntervalMs = 1000 } = options;
    const controller = linkedController(options.signal);
    const { signal } = controller;
    const control: StreamControl = { retry: 1000 };
    let lastEventId = options.lastEventId;
    let drops = 0;
    try {
      for (;;) {
        let body: ReadableStream<Uint8Array>;
        try {
          body = (await this.client.request(
            "get",
            "/api/engine/jobs/{jobId}/progress/stream",
            {
              params: {
                path: { jobId },
                header: lastEventId === undefined ? {} : { "Last-Event-ID": lastEventId },
              },
              headers: { Accept: "text/event-stream" },
              parseAs: "stream",
            },
            { signal },
          )) as unknown as ReadableStream<Uint8Array>;
        } catch (error) {
          if (!(error instanceof NotFoundError)) throw error;
          yield* this.pollEvents(jobId, signal, pollIntervalMs);
          return;
        }
        try {
          for await (const event of decodeServerSentEvents(body, control, signal)) {
            lastEventId = event.id ?? lastEventId;
            if (event.event === "expired") {
              yield* this.pollEvents(jobId, signal, pollIntervalMs);
              return;
            }
            if (event.event !== "progress") continue;
            drops = 0;
            const progress = JSON.parse(event.data) as JobEvent;
            yield progress;
            if (DONE.has(progress.status)) return;
          }
        } catch {
          // A drop: reconnect below.
        }
        if (signal.aborted) throw new APIUserAbortError();
        if (++drops > maxReconnects) {
          throw new APIConnectionError(`The progress stream of job ${jobId} dropped ${drops} times in a row`);
        }
        await sleep(Math.min(30_000, (control.retry ?? 1000) * 2 ** (drops - 1)), signal);
      }
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
