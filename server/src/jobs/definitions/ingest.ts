import { z } from "zod";
import { ingestFile, markFileFailed } from "../../domain/pipeline/ingest-file.js";
import { defineJob } from "../job.js";

/** Stores one file (an upload or an API batch) as transactions, exposures and customer aggregates. */
export const ingestJob = defineJob({
  type: "ingest",
  payload: z.object({ projectId: z.uuid(), fileId: z.uuid() }),
  projectOf: (payload) => payload.projectId,
  stage: "ingest",
  next: { type: "segmentation", whenRunIsComplete: true, debounce: true },
  run: (payload, { app, report }) =>
    ingestFile({ db: app.db.knex, dbKind: app.db.kind, files: app.files }, payload.fileId, report),
  onFailure: (payload, app, reason) => markFileFailed(app.db.knex, payload.fileId, reason),
});
