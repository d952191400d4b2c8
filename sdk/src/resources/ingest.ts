import type { RequestOptions } from "../client.js";
import { SegmentoError } from "../core/errors.js";
import type { Run, RunProgress } from "../core/runs.js";
import { APIResource } from "../internal/resource.js";
import { sha256Hex } from "../internal/runtime.js";
import type { Input, Schema } from "../types.js";

/** The most records the ingest API takes in one batch. */
export const MAX_BATCH_RECORDS = 10_000;

export type IngestAccepted = Schema<"IngestAccepted">;

/** Options of `ingest.send`. */
export interface IngestOptions extends Omit<RequestOptions, "idempotencyKey"> {
  /**
   * Your id for this set of records. Batches get `${batchId}-${index}` when there are several. Default: a
   * SHA-256 of the records, so sending the same records again (after a crash) stores nothing twice.
   */
  batchId?: string;
  /** Batches in flight at once (between the first and the last, which go alone). Default 2. */
  concurrency?: number;
  /** Called as each batch is accepted, e.g. for a progress bar. */
  onBatch?: (accepted: IngestAccepted, index: number, batches: number) => void;
  /**
   * `"run"`: resolve with the finished run (ingest, segmentation, predictive and action all done, failed or
   * skipped) instead of the accepted batches.
   */
  wait?: "run" | undefined;
  /** With `wait: "run"`, called with each progress event of the run, over every stage. */
  onProgress?: (event: RunProgress) => void;
}

/** Sending records through the ingest API (`POST /api/v1/ingest`), with a project API key. */
export class Ingest extends APIResource {
  /**
   * Sends records in batches of at most 10,000 as ONE pipeline run (one segmentation, one model run, whatever
   * the number of batches). Resolves with every batch's `{ job_id, run_id, file_id }` in order, or with
   * `{ wait: "run" }` with the finished run. Each batch has a stable `batch_id`, which the server deduplicates.
   * Throws a SegmentoError for no records.
   *
   * @example
   * ```ts
   * const run = await segmento.ingest.send(projectId, records, { wait: "run" });
   * console.log(run.status, run.stages.map((s) => s.stage));
   * ```
   */
  send(
    projectId: string,
    records: Input<"IngestRecord">[],
    options: IngestOptions & { wait: "run" },
  ): Promise<Run>;
  send(
    projectId: string,
    records: Input<"IngestRecord">[],
    options?: IngestOptions & { wait?: undefined },
  ): Promise<IngestAccepted[]>;
  async send(
    projectId: string,
    records: Input<"IngestRecord">[],
    { batchId, concurrency = 2, onBatch, wait, onProgress, ...options }: IngestOptions = {},
  ): Promise<IngestAccepted[] | Run> {
    if (records.length === 0) {
      throw new SegmentoError(
        `ingest.send(${JSON.stringify(projectId)}, records) got no records: pass at least one record.`,
      );
    }
    const batches: Input<"IngestRecord">[][] = [];
    for (let start = 0; start < records.length; start += MAX_BATCH_RECORDS) {
      batches.push(records.slice(start, start + MAX_BATCH_RECORDS));
    }
    const base = batchId ?? `sha256-${(await sha256Hex(JSON.stringify([projectId, records]))).slice(0, 40)}`;
    const last = batches.length - 1;
    const sendBatch = async (index: number, runId?: string) => {
      const body = {
        project_id: projectId,
        records: batches[index] as Input<"IngestRecord">[],
        batch_id: last === 0 ? base : `${base}-${index}`,
        // One run for the whole set: the first batch opens it, the last one closes it.
        ...(runId && { run_id: runId }),
        ...(index < last && { final: false }),
      };
      const accepted = await this.client.request("post", "/api/v1/ingest", { body }, options);
      onBatch?.(accepted, index, batches.length);
      return accepted;
    };
    const first = await sendBatch(0);
    const middle = await mapWithConcurrency(
      Array.from({ length: Math.max(0, last - 1) }, (_, i) => i + 1),
      concurrency,
      (index) => sendBatch(index, first.run_id),
    );
    const accepted = last === 0 ? [first] : [first, ...middle, await sendBatch(last, first.run_id)];
    if (wait !== "run") return accepted;
    return this.client.runs.wait(first.run_id, { signal: options.signal, onProgress });
  }
}

/** Runs `task` over `items` with at most `limit` at once; results keep the items' order. Stops on a failure. */
async function mapWithConcurrency<T, R>(
  items: T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        results[index] = await task(items[index] as T, index);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
