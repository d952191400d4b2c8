import { randomUUID } from "node:crypto";
import type { AppContext } from "../../context.js";
import type { ProjectRow } from "../../db/projects.js";
import { normalizeRecord } from "../../ingest/normalize.js";
import { DomainError, type PendingDetail } from "../errors.js";
import { type Accepted, queueIngest, type RunChoice, replayBatch } from "./queue-ingest.js";
import { stagedRow } from "./staged-rows.js";

const MAX_LISTED = 20;

/**
 * `POST /api/v1/ingest`: every record is checked before anything is stored; a batch with any invalid record
 * is refused whole, naming the first offending records. A valid batch is stored as its staged rows (each record
 * normalized here, once; the ingest job streams them into COPY) and queued like an upload. The same batch_id
 * again answers with the original job.
 */
export async function acceptRecords(
  app: AppContext,
  project: ProjectRow,
  input: { records: Record<string, unknown>[]; batch_id?: string; run_id?: string; final?: boolean },
): Promise<Accepted> {
  if (input.batch_id) {
    const replay = await replayBatch(app.db.knex, project.id, input.batch_id);
    if (replay) return replay;
  }
  const details: PendingDetail[] = [];
  const staged: string[] = [];
  let invalidRecords = 0;
  let problemCount = 0;
  const customerKeys = new Set<string>();
  input.records.forEach((record, index) => {
    const result = normalizeRecord(record, index, { dateOrder: "YMD" });
    // Record i is line i + 2, as it was when batches were written as a CSV under a header line.
    if (result.ok) {
      if (result.row.kind === "purchase") customerKeys.add(result.row.customerKey);
      staged.push(stagedRow(index + 2, result.row));
      return;
    }
    invalidRecords += 1;
    problemCount += result.problems.length;
    for (const problem of result.problems) {
      if (details.length >= MAX_LISTED) break;
      details.push({ ...problem, location: "body", field: `records[${index}].${problem.field}`, index });
    }
  });
  if (invalidRecords > 0) {
    throw new DomainError(
      "invalid",
      "validation_failed",
      "ingest_invalid_records",
      { count: invalidRecords, total: input.records.length },
      { details, errorCount: problemCount },
    );
  }

  const rows = staged.join("");
  const sizeBytes = Buffer.byteLength(rows);
  const fileId = randomUUID();
  const storageKey = `${project.id}/${fileId}.rows`;
  await app.files.write(storageKey, rows);
  const final = input.final ?? true;
  const run: RunChoice = input.run_id ? { join: input.run_id, final } : { open: !final };
  return queueIngest(
    { db: app.db.knex, files: app.files, jobs: app.jobs },
    {
      projectId: project.id,
      fileId,
      name: `${input.batch_id ?? `api-${new Date().toISOString().replace(/[:.]/g, "-")}`}.csv`,
      source: "api",
      format: "csv",
      storageKey,
      sizeBytes,
      staged: { key: storageKey, bytes: sizeBytes, skippedRows: 0 },
      batchId: input.batch_id,
      options: { dateOrder: "YMD" },
      quota: { organizationId: project.organization_id, rows: input.records.length, customerKeys },
    },
    run,
  );
}
