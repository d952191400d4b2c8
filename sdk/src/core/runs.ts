import type { RequestOptions } from "../client.js";
import { APIResource } from "../internal/resource.js";
import { linkedController, withDeadline } from "../internal/runtime.js";
import { eventStreamInit, followEventStream } from "../internal/sse.js";
import type { Schema } from "../types.js";
import type { APIPromise } from "./api-promise.js";
import { NotFoundError } from "./errors.js";

export type Run = Schema<"Run">;
export type RunProgress = Schema<"RunProgress">;
export type RunList = Schema<"RunList">;

const DONE = new Set<string>(["completed", "failed", "skipped"]);

/** Options of `runs.watch`. */
export interface RunWatchOptions {
  /** Cancels the stream. */
  signal?: AbortSignal;
  /** Resume after this event id. */
  lastEventId?: string;
  /** Reconnection attempts in a row without a new event before giving up. Default 5. */
  maxReconnects?: number;
}

/** Options of `runs.wait`. */
export interface RunWaitOptions extends RunWatchOptions {
  /** Give up (APIConnectionTimeoutError) after this long. Default: no limit. */
  timeoutMs?: number;
  /** Called with each progress event of the run, over every stage. */
  onProgress?: (event: RunProgress) => void;
}

/** Pipeline runs: one batch, upload or re-run followed through ingest, segmentation, predictive and action. */
export class Runs extends APIResource {
  /** A run and each of its stages: status, timings and typed results. */
  get(runId: string, options?: RequestOptions): APIPromise<Run> {
    return this.client.request("get", "/api/engine/runs/{runId}", { params: { path: { runId } } }, options);
  }

  /** A page of the project's runs, newest first. */
  list(
    projectId: string,
    query: { limit?: number; page?: number } = {},
    options?: RequestOptions,
  ): APIPromise<RunList> {
    const init = { params: { path: { projectId }, query } };
    return this.client.request("get", "/api/engine/projects/{projectId}/runs", init, options);
  }

  /** The run's latest live progress (kept about an hour; then 404, use `get`). */
  progress(runId: string, options?: RequestOptions): APIPromise<RunProgress> {
    const init = { params: { path: { runId } } };
    return this.client.request("get", "/api/engine/runs/{runId}/progress", init, options);
  }

  /**
   * The run's progress over all its stages as it happens (Server-Sent Events), until it completes, fails or is
   * skipped. A dropped stream resumes with `Last-Event-ID`; a run whose live progress has expired ends with one
   * event made from its record. `break` or the signal cancels the stream.
   */
  async *watch(runId: string, options: RunWatchOptions = {}): AsyncGenerator<RunProgress, void, undefined> {
    const controller = linkedController(options.signal);
    const { signal } = controller;
    const open = async (lastEventId: string | undefined) =>
      (await this.client.request(
        "get",
        "/api/engine/runs/{runId}/stream",
        eventStreamInit({ runId }, lastEventId),
        { signal },
      )) as unknown as ReadableStream<Uint8Array>;
    try {
      for await (const event of followEventStream(`run ${runId}`, open, { ...options, signal })) {
        if (event.event === "run") {
          yield finalEvent(JSON.parse(event.data) as Run);
          return;
        }
        if (event.event !== "progress") continue;
        const progress = JSON.parse(event.data) as RunProgress;
        yield progress;
        if (DONE.has(progress.status)) return;
      }
    } catch (error) {
      // The run's live progress has expired: its record is the last event.
      if (!(error instanceof NotFoundError)) throw error;
      yield finalEvent(await this.get(runId, { signal }));
    } finally {
      controller.abort();
    }
  }

  /**
   * Resolves with the finished run (completed, failed or skipped: check `status` and `skip_code`), following its
   * stream; `onProgress` sees each event. Throws APIConnectionTimeoutError after `timeoutMs`.
   *
   * @example
   * ```ts
   * const run = await segmento.runs.wait(runId, { timeoutMs: 300_000 });
   * if (run.status !== "completed") console.log(run.status, run.skip_code, run.message);
   * ```
   */
  async wait(runId: string, { timeoutMs, onProgress, ...watch }: RunWaitOptions = {}): Promise<Run> {
    return withDeadline(watch.signal, timeoutMs, `Run ${runId}`, async (signal) => {
      for await (const event of this.watch(runId, { ...watch, signal })) onProgress?.(event);
      return this.get(runId, { signal });
    });
  }
}

/** A run's record as the last event of its stream. */
function finalEvent(run: Run): RunProgress {
  const last = run.stages.at(-1);
  return {
    run_id: run.run_id,
    status: run.status,
    pct: run.pct,
    message: run.message,
    stage: last?.stage ?? null,
    job_id: last?.job_id ?? run.run_id,
    stage_status: last?.status ?? run.status,
    stage_pct: last?.pct ?? run.pct,
    skip_code: run.skip_code,
  };
}
