import { randomUUID } from "node:crypto";
import { requireIngestQuota } from "../../billing/quotas.js";
import type { AppContext } from "../../context.js";
import type { ProjectRow } from "../../db/projects.js";
import { normalizeRecord } from "../../ingest/normalize.js";
import { recordsToCsv } from "../../ingest/records-to-csv.js";
import { DomainError, type PendingDetail } from "../errors.js";
import { type Accepted, queueIngest, type RunChoice, replayBatch } from "./queue-ingest.js";

const MAX_LISTED = 20;

/**
 * `POST /api/v1/ingest`: every record is checked before anything is stored; a batch with any invalid record
 * is refused whole, naming the first offending records. A valid batch is converted to CSV, stored as a file
 * and queued, exactly like an upload. The same batch_id again answers with the original job.
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
  let invalidRecords = 0;
  let problemCount = 0;
  const customerKeys = new Set<string>();
  input.records.forEach((record, index) => {
    const result = normalizeRecord(record, index, { dateOrder: "YMD" });
    if (result.ok) {
      if (result.row.kind === "purchase") customerKeys.add(result.row.customerId);
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

  const csv = recordsToCsv(input.records);
  const sizeBytes = Buffer.byteLength(csv);
  await requireIngestQuota(app.db.knex, project.organization_id, {
    projectId: project.id,
    customerKeys,
    rows: input.records.length,
    bytes: sizeBytes,
  });
  const fileId = randomUUID();
  const storageKey = `${project.id}/${fileId}.csv`;
  await app.files.write(storageKey, csv);
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
      batchId: input.batch_id,
      options: { mapping: "canonical", dateOrder: "YMD" },
    },
    run,
  );
}
