import { acceptRecords } from "../../domain/ingest/accept-records.js";
import { acceptUpload, uploadDestination } from "../../domain/ingest/accept-upload.js";
import { projectMismatch, requireProject } from "../../domain/organizations/access.js";
import { receiveFile } from "../../http/multipart.js";
import { defineOperation } from "../../http/operation.js";

const answer = ({ replayed, ...accepted }: Awaited<ReturnType<typeof acceptRecords>>) => ({
  status: 202 as const,
  body: accepted,
  headers: replayed ? { "Idempotent-Replayed": "true" } : undefined,
});

export const ingestRecords = defineOperation("ingestRecords", async ({ app, principal, body }) => {
  // An API key reaches one project; the docs' 403 comes before anything else is looked at.
  if (principal.kind !== "apiKey" || principal.projectId !== body.project_id) throw projectMismatch();
  const { project } = await requireProject(app.db.knex, principal, body.project_id);
  return answer(await acceptRecords(app, project, body as Parameters<typeof acceptRecords>[2]));
});

export const uploadFile = defineOperation("uploadFile", async ({ app, principal, params, req }) => {
  const { project } = await requireProject(app.db.knex, principal, params.projectId);
  const destination = uploadDestination(app.files, project.id);
  const received = await receiveFile(req, { maxFileBytes: app.config.uploadLimitBytes }, destination);
  const deps = {
    db: app.db.knex,
    files: app.files,
    jobs: app.jobs,
    uploadLimitBytes: app.config.uploadLimitBytes,
  };
  const upload = received && {
    fileId: destination.fileId,
    name: received.filename,
    ...received.stored,
    truncated: received.truncated,
    fields: received.fields,
  };
  return answer(await acceptUpload(deps, project, upload));
});
