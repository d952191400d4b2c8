import { modelRunQuotaError } from "../../billing/quotas.js";
import { requireProject } from "../../domain/organizations/access.js";
import { startRun } from "../../domain/pipeline/runs.js";
import { defineOperation } from "../../http/operation.js";

export const runSegmentation = defineOperation("runSegmentation", async ({ app, principal, params }) => {
  const db = app.db.knex;
  const { project } = await requireProject(db, principal, params.projectId);
  const overQuota = await modelRunQuotaError(db, project.organization_id);
  if (overQuota) throw overQuota;
  // A re-run asked for now: it joins a segmentation already waiting out its debounce and starts it at once.
  const queued = await db.transaction(async (trx) => {
    const runId = await startRun(trx, project.id, "segmentation");
    const jobId = await app.jobs.record(trx, {
      type: "segmentation",
      payload: { projectId: project.id },
      runIds: [runId],
      debounce: true,
    });
    return { job_id: jobId, run_id: runId };
  });
  return { status: 202, body: { ...queued, status: "queued" as const } };
});
