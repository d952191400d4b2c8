import type { FileRow } from "../../db/files.js";
import * as filesTable from "../../db/files.js";
import { notFound } from "../../domain/errors.js";
import { requireProject, requireProjectOf } from "../../domain/organizations/access.js";
import { defineOperation } from "../../http/operation.js";

export const presentFile = (f: FileRow) => ({
  id: f.id,
  projectId: f.project_id,
  name: f.name,
  source: f.source,
  sizeBytes: Number(f.size_bytes),
  rowCount: f.row_count,
  skippedRows: f.skipped_rows,
  status: f.status,
  errorMessage: f.error_message,
  jobId: f.job_id,
  batchId: f.batch_id,
  createdAt: f.created_at.toISOString(),
  updatedAt: f.updated_at.toISOString(),
});

export const listFiles = defineOperation("listFiles", async ({ app, principal, params, query }) => {
  const { project } = await requireProject(app.db.knex, principal, params.projectId);
  const limit = query.limit ?? 20;
  const page = query.page ?? 1;
  const { rows, total } = await filesTable.listFiles(app.db.knex, project.id, {
    limit,
    offset: (page - 1) * limit,
  });
  return {
    status: 200,
    body: { files: rows.map(presentFile), total, page, pages: Math.ceil(total / limit) },
  };
});

export const getFile = defineOperation("getFile", async ({ app, principal, params }) => {
  const file = await filesTable.findFile(app.db.knex, params.fileId);
  if (!file) throw notFound("File", params.fileId);
  await requireProjectOf(app.db.knex, principal, file.project_id, "File", params.fileId);
  return { status: 200, body: presentFile(file) };
});
