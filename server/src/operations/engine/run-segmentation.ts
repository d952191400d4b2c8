import { modelRunQuotaError } from "../../billing/quotas.js";
import { requireProject } from "../../domain/organizations/access.js";
import { defineOperation } from "../../http/operation.js";
import { scheduleStage } from "../../jobs/pipeline.js";

export const runSegmentation = defineOperation("runSegmentation", async ({ app, principal, params }) => {
  const { project } = await requireProject(app.db.knex, principal, params.projectId);
  const overQuota = await modelRunQuotaError(app.db.knex, project.organization_id);
  if (overQuota) throw overQuota;
  const jobId = await scheduleStage(app, "segmentation", { projectId: project.id }, { now: true });
  return { status: 202, body: { job_id: jobId, status: "queued" as const } };
});
