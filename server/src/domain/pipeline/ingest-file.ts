import { Transform } from "node:stream";
import type { Knex } from "knex";
import type { DatabaseKind } from "../../db/database.js";
import { findFile, updateFile } from "../../db/files.js";
import { createStaging, insertStagedRows, loadStaging, upsertStagedCustomers } from "../../db/ingest-rows.js";
import type { FileStore } from "../../storage/file-store.js";
import { PermanentStepError, type Progress, type StepOutcome } from "./progress.js";
import { stepTimer } from "./step-timer.js";

export interface IngestFileDeps {
  db: Knex;
  dbKind: DatabaseKind;
  files: FileStore;
}

export interface IngestResult {
  file_id: string;
  rows: number;
  skipped_rows: number;
  customers: number;
  /** Milliseconds of each step: loading the staged rows, storing them, merging the customers. */
  durations_ms: Record<string, number>;
}

/**
 * The ingest stage: streams the file's staged rows (normalized once, when the file was accepted) into the
 * database and stores its transactions, campaign exposures and the customers' raw aggregates in ONE database
 * transaction, together with the file's completed status. A worker that dies mid-way leaves nothing behind
 * (the transaction rolls back) and the job runs again; a file already completed is not stored twice.
 */
export async function ingestFile(
  deps: IngestFileDeps,
  fileId: string,
  report: Progress,
): Promise<StepOutcome<IngestResult>> {
  const file = await findFile(deps.db, fileId);
  if (!file) throw new PermanentStepError(`file ${fileId} no longer exists`);
  if (file.status === "completed") {
    return {
      status: "completed",
      result: {
        file_id: file.id,
        rows: file.row_count ?? 0,
        skipped_rows: file.skipped_rows,
        customers: 0,
        durations_ms: {},
      },
      message: "Already stored",
    };
  }
  const rowsKey = file.rows_key;
  if (!rowsKey) {
    throw new PermanentStepError(
      `file ${file.id} was accepted by an earlier version of Segmento, before files were staged: send it again`,
    );
  }
  await updateFile(deps.db, file.id, { status: "processing" });
  await report(1, "Loading the rows");
  // Progress by the bytes COPY has taken (a chunk at a time: the store's chunks go through as they are).
  const totalBytes = Math.max(1, Number(file.rows_bytes ?? 1));
  let bytesRead = 0;
  let reported = 0;
  const staged = deps.files.read(rowsKey);
  const counted = staged.pipe(
    new Transform({
      transform(chunk: Buffer, _encoding, done) {
        bytesRead += chunk.length;
        const pct = Math.floor((bytesRead / totalBytes) * 60);
        if (pct >= reported + 10) {
          reported = pct;
          report(pct, `Loaded ${Math.round((bytesRead / totalBytes) * 100)}% of the rows`).then(
            () => done(null, chunk),
            done,
          );
          return;
        }
        done(null, chunk);
      },
    }),
  );
  staged.on("error", (error) => counted.destroy(error));
  const { durations, time } = stepTimer();
  const target = { id: file.id, projectId: file.project_id };
  const stored = await deps.db.transaction(async (trx) => {
    await createStaging(trx, deps.dbKind);
    const rows = await time("staging", () => loadStaging(trx, deps.dbKind, counted));
    await report(65, "Storing transactions");
    await time("transactions", () => insertStagedRows(trx, target));
    await report(85, "Updating customers");
    const customers = await time("customers", () => upsertStagedCustomers(trx, file.project_id));
    await updateFile(trx, file.id, { status: "completed", row_count: rows, error_message: null });
    return { rows, customers };
  });
  return {
    status: "completed",
    result: {
      file_id: file.id,
      rows: stored.rows,
      skipped_rows: file.skipped_rows,
      customers: stored.customers,
      durations_ms: durations,
    },
    message: `Stored ${stored.rows} rows for ${stored.customers} customers`,
  };
}

/** Records why a file could not be stored, once its job has failed for good. */
export async function markFileFailed(db: Knex, fileId: string, reason: string): Promise<void> {
  await updateFile(db, fileId, { status: "failed", error_message: reason });
}
