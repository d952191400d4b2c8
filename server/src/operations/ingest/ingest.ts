import { acceptRecords } from "../../domain/ingest/accept-records.js";
import { receiveUpload } from "../../domain/ingest/receive-upload.js";
import { projectMismatch, requireProject } from "../../domain/organizations/access.js";
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
  return answer(await receiveUpload(app, project, req));
});
