import { randomUUID } from "node:crypto";
import type { Knex } from "knex";
import { requireIngestQuota } from "../../billing/quotas.js";
import { reserveProfiles } from "../../db/customers.js";
import { type FileOptions, findFileByBatch, insertFile } from "../../db/files.js";
import { runIdsOfJob } from "../../db/runs.js";
import type { JobScheduler } from "../../queue/scheduler.js";
import type { FileStore } from "../../storage/file-store.js";
import { joinRun, startRun } from "../pipeline/runs.js";

export interface Accepted {
  job_id: string;
  file_id: string;
  /** The pipeline run that follows this batch through every stage. */
  run_id: string;
  status: "processing";
  /** True when this answers a batch that was already accepted (same batch_id). */
  replayed: boolean;
}

export interface StoredFile {
  projectId: string;
  fileId: string;
  name: string;
  source: "upload" | "api";
  format: "csv" | "xlsx";
  storageKey: string;
  sizeBytes: number;
  /** Its staged rows: what the ingest job streams into COPY (an API batch's are its stored file). */
  staged: { key: string; bytes: number; skippedRows: number };
  batchId?: string;
  options: FileOptions;
  /** What the file counts against its organization's plan: its rows and the customer keys of its purchases. */
  quota: { organizationId: string; rows: number; customerKeys: Iterable<string> };
}

/** Which run a batch belongs to: a new one (closed, or open for more batches), or an open one it joins. */
export type RunChoice = { join?: undefined; open: boolean } | { join: string; final: boolean };

export interface QueueIngestDeps {
  db: Knex;
  files: FileStore;
  jobs: JobScheduler;
}

/**
 * Checks the plan's quotas and records a stored file, its ingest job and its pipeline run in ONE transaction;
 * the job reaches the queue once that has committed (see JobScheduler). A batch is either accepted in full or
 * not at all: when the transaction fails (a quota refused it, say), the stored file is removed again. Both entry
 * points (API records and uploads) come here.
 */
export async function queueIngest(
  deps: QueueIngestDeps,
  file: StoredFile,
  run: RunChoice,
): Promise<Accepted> {
  const jobId = randomUUID();
  try {
    const runId = await deps.db.transaction(async (trx) => {
      const { newCustomerKeys } = await requireIngestQuota(trx, file.quota.organizationId, {
        projectId: file.projectId,
        rows: file.quota.rows,
        bytes: file.sizeBytes,
        customerKeys: file.quota.customerKeys,
      });
      let id: string;
      if (run.join !== undefined) {
        await joinRun(trx, file.projectId, run.join, run.final);
        id = run.join;
      } else {
        id = await startRun(trx, file.projectId, file.source === "api" ? "ingest" : "upload", {
          open: run.open,
        });
      }
      await insertFile(trx, {
        id: file.fileId,
        project_id: file.projectId,
        name: file.name,
        source: file.source,
        format: file.format,
        storage_key: file.storageKey,
        size_bytes: file.sizeBytes,
        rows_key: file.staged.key,
        rows_bytes: file.staged.bytes,
        skipped_rows: file.staged.skippedRows,
        job_id: jobId,
        batch_id: file.batchId ?? null,
        options: file.options,
      });
      await reserveProfiles(trx, { id: file.fileId, projectId: file.projectId }, newCustomerKeys);
      await deps.jobs.record(trx, {
        type: "ingest",
        id: jobId,
        payload: { projectId: file.projectId, fileId: file.fileId },
        fileId: file.fileId,
        runIds: [id],
      });
      return id;
    });
    return { job_id: jobId, file_id: file.fileId, run_id: runId, status: "processing", replayed: false };
  } catch (error) {
    await removeStoredFile(deps.files, file);
    // Two requests with one batch id at once: the other one won; answer with its job.
    if (file.batchId && (error as { code?: string }).code === "23505") {
      const winner = await replayBatch(deps.db, file.projectId, file.batchId);
      if (winner) return winner;
    }
    throw error;
  }
}

/** Removes a file's stored bytes: as received, and its staged rows. */
export async function removeStoredFile(
  files: FileStore,
  file: { storageKey: string; staged?: { key: string } },
): Promise<void> {
  await files.remove(file.storageKey);
  if (file.staged && file.staged.key !== file.storageKey) await files.remove(file.staged.key);
}

/** The original answer for a batch id already accepted in the project, if any. */
export async function replayBatch(
  db: Knex,
  projectId: string,
  batchId: string,
): Promise<Accepted | undefined> {
  const existing = await findFileByBatch(db, projectId, batchId);
  if (!existing?.job_id) return undefined;
  const [runId] = await runIdsOfJob(db, existing.job_id);
  if (!runId) return undefined;
  return {
    job_id: existing.job_id,
    file_id: existing.id,
    run_id: runId,
    status: "processing",
    replayed: true,
  };
}
