import { randomUUID } from "node:crypto";
import type { AppContext } from "../../context.js";
import { deleteFileRow, type FileOptions, findFileByBatch, insertFile } from "../../db/files.js";
import { deleteJob, insertJob } from "../../db/jobs.js";

export interface Accepted {
  job_id: string;
  file_id: string;
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
  batchId?: string;
  options: FileOptions;
}

/**
 * Records a stored file and its ingest job in one transaction, then hands the job to the queue. If the queue
 * cannot take it, both rows and the stored file are removed again and the caller gets the error: a batch is
 * either accepted in full or not at all. Both entry points (API records and uploads) come through here.
 */
export async function queueIngest(app: AppContext, file: StoredFile): Promise<Accepted> {
  const db = app.db.knex;
  const jobId = randomUUID();
  try {
    await db.transaction(async (trx) => {
      await insertFile(trx, {
        id: file.fileId,
        project_id: file.projectId,
        name: file.name,
        source: file.source,
        format: file.format,
        storage_key: file.storageKey,
        size_bytes: file.sizeBytes,
        job_id: jobId,
        batch_id: file.batchId ?? null,
        options: file.options,
      });
      await insertJob(trx, {
        id: jobId,
        projectId: file.projectId,
        type: "ingest",
        fileId: file.fileId,
        data: { projectId: file.projectId, fileId: file.fileId },
      });
    });
  } catch (error) {
    await app.files.remove(file.storageKey);
    // Two requests with one batch id at once: the other one won; answer with its job.
    if (file.batchId && (error as { code?: string }).code === "23505") {
      const winner = await replayBatch(app, file.projectId, file.batchId);
      if (winner) return winner;
    }
    throw error;
  }
  try {
    await app.queue.enqueue("ingest", jobId, { projectId: file.projectId, fileId: file.fileId });
  } catch (error) {
    await deleteJob(db, jobId);
    await deleteFileRow(db, file.fileId);
    await app.files.remove(file.storageKey);
    throw error;
  }
  await app.progress.publish({ job_id: jobId, status: "queued", pct: 0, message: "Queued" });
  return { job_id: jobId, file_id: file.fileId, status: "processing", replayed: false };
}

/** The original answer for a batch id already accepted in the project, if any. */
export async function replayBatch(
  app: AppContext,
  projectId: string,
  batchId: string,
): Promise<Accepted | undefined> {
  const existing = await findFileByBatch(app.db.knex, projectId, batchId);
  if (!existing?.job_id) return undefined;
  return { job_id: existing.job_id, file_id: existing.id, status: "processing", replayed: true };
}
