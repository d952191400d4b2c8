import type { RequestOptions } from "../client.js";
import { APIResource } from "../internal/resource.js";
import { sha256Hex } from "../internal/runtime.js";
import type { Input, Schema } from "../types.js";

/** The most records the ingest API takes in one batch. */
export const MAX_BATCH_RECORDS = 10_000;

export interface IngestOptions extends Omit<RequestOptions, "idempotencyKey"> {
  /**
   * Your id for this set of records. Batches get `${batchId}-${index}` when there are several. Default: a
   * SHA-256 of the records, so sending the same records again (after a crash) stores nothing twice.
   */
  batchId?: string;
  /** Batches in flight at once. Default 2. */
  concurrency?: number;
  /** Called as each batch is accepted, e.g. for a progress bar. */
  onBatch?: (accepted: Schema<"IngestAccepted">, index: number, batches: number) => void;
}

export class Ingest extends APIResource {
  /**
   * Sends records with the project's API key, in batches of at most 10,000, and resolves with every batch's
   * `{ job_id, file_id }` in order. Each batch has a stable `batch_id`, which the server deduplicates.
   */
  async send(
    projectId: string,
    records: Input<"IngestRecord">[],
    { batchId, concurrency = 2, onBatch, ...options }: IngestOptions = {},
  ): Promise<Schema<"IngestAccepted">[]> {
    const batches: Input<"IngestRecord">[][] = [];
    for (let start = 0; start < records.length; start += MAX_BATCH_RECORDS) {
      batches.push(records.slice(start, start + MAX_BATCH_RECORDS));
    }
    const base = batchId ?? `sha256-${(await sha256Hex(JSON.stringify([projectId, records]))).slice(0, 40)}`;
    const idOf = (index: number) => (batches.length === 1 ? base : `${base}-${index}`);
    return mapWithConcurrency(batches, concurrency, async (batch, index) => {
      const body = { project_id: projectId, records: batch, batch_id: idOf(index) };
      const accepted = await this.client.request("post", "/api/v1/ingest", { body }, options);
      onBatch?.(accepted, index, batches.length);
      return accepted;
    });
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
