import { Transform } from "node:stream";
import type { Knex } from "knex";
import type { DatabaseKind } from "../../db/database.js";
import { findFile, updateFile } from "../../db/files.js";
import { type StagingRow, storeFileRows } from "../../db/ingest-rows.js";
import { isReturnStatus, type NormalizedRow } from "../../ingest/normalize.js";
import { IngestFormatError } from "../../ingest/read-rows.js";
import type { FileStore } from "../../storage/file-store.js";
import { readFileRows, UnreadableFileError } from "../ingest/file-rows.js";
import { PermanentStepError, type Progress, type StepOutcome } from "./progress.js";

/**
 * How returns count: a record is a return when its amount is negative or its status says returned/refunded.
 * Its absolute value counts as returned money; every other record is a purchase.
 */
export const isReturn = (row: { amount: number; status: string | null }) =>
  row.amount < 0 || isReturnStatus(row.status);

function stagingRow(line: number, row: NormalizedRow): StagingRow {
  const extra = Object.keys(row.extra).length > 0 ? row.extra : null;
  const none = {
    order_date: null,
    amount: null,
    order_id: null,
    quantity: null,
    currency: null,
    status: null,
    is_return: null,
  };
  if (row.kind === "purchase") {
    return {
      kind: "purchase",
      customer_key: row.customerId,
      order_date: row.orderDate.toISOString(),
      amount: row.amount,
      order_id: row.orderId,
      quantity: row.quantity,
      currency: row.currency,
      status: row.status,
      is_return: isReturn(row),
      campaign_id: null,
      exposure_group: null,
      exposed_at: null,
      line,
      extra,
    };
  }
  return {
    kind: "campaign_exposure",
    customer_key: row.customerId,
    ...none,
    campaign_id: row.campaignId,
    exposure_group: row.group,
    exposed_at: row.exposedAt.toISOString(),
    line,
    extra,
  };
}

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
}

/**
 * The ingest stage: reads the stored file, normalizes each row, and stores the file's transactions, campaign
 * exposures and the customers' raw aggregates in ONE database transaction, together with the file's completed
 * status. A worker that dies mid-way leaves nothing behind (the transaction rolls back) and the job runs again;
 * a file already completed is not stored twice.
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
      result: { file_id: file.id, rows: file.row_count ?? 0, skipped_rows: file.skipped_rows, customers: 0 },
      message: "Already stored",
    };
  }
  await updateFile(deps.db, file.id, { status: "processing" });
  await report(1, "Reading the file");
  let rows = 0;
  let skipped = 0;
  let bytesRead = 0;
  // Counts bytes as the parser pulls them (a "data" listener would start the flow before the parser reads).
  const raw = deps.files.read(file.storage_key);
  const input = raw.pipe(
    new Transform({
      transform(chunk: Buffer, _encoding, done) {
        bytesRead += chunk.length;
        done(null, chunk);
      },
    }),
  );
  raw.on("error", (error) => input.destroy(error));
  const totalBytes = Math.max(1, Number(file.size_bytes));
  const stagingRows = async function* (): AsyncGenerator<StagingRow> {
    try {
      for await (const result of readFileRows(input, { format: file.format, ...file.options })) {
        if (result.problems) {
          if (!file.options.skipInvalidRows) {
            const first = result.problems[0];
            throw new PermanentStepError(
              `line ${result.line}: ${first ? `${first.field} broke the rule "${first.rule}"` : "invalid row"}`,
            );
          }
          skipped += 1;
          continue;
        }
        rows += 1;
        if (rows % 20_000 === 0)
          await report((bytesRead / totalBytes) * 80, `Parsed ${rows.toLocaleString("en-US")} rows`);
        yield stagingRow(result.line, result.row);
      }
    } catch (error) {
      if (error instanceof UnreadableFileError || error instanceof IngestFormatError) {
        throw new PermanentStepError(error.message);
      }
      throw error;
    }
  };
  const stored = await deps.db.transaction(async (trx) => {
    const outcome = await storeFileRows(
      trx,
      deps.dbKind,
      { id: file.id, projectId: file.project_id },
      stagingRows(),
      (step) =>
        step === "transactions" ? report(85, "Storing transactions") : report(92, "Updating customers"),
    );
    await updateFile(trx, file.id, {
      status: "completed",
      row_count: rows,
      skipped_rows: skipped,
      error_message: null,
    });
    return outcome;
  });
  return {
    status: "completed",
    result: { file_id: file.id, rows, skipped_rows: skipped, customers: stored.customers },
    message: `Stored ${rows} rows for ${stored.customers} customers`,
  };
}

/** Records why a file could not be stored, once its job has failed for good. */
export async function markFileFailed(db: Knex, fileId: string, reason: string): Promise<void> {
  await updateFile(db, fileId, { status: "failed", error_message: reason });
}
