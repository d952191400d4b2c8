import { randomUUID } from "node:crypto";
import type { AppContext } from "../../context.js";
import type { AutomationRow } from "../../db/automations.js";
import * as table from "../../db/automations.js";
import { insertJob } from "../../db/jobs.js";

/** Queues a run of an automation (a job of type automation_run) and returns its ids. */
export async function queueRun(
  app: AppContext,
  automation: AutomationRow,
  options: { customerIds?: string[]; runId?: string } = {},
) {
  const db = app.db.knex;
  const runId =
    options.runId ??
    (
      await table.insertRun(db, {
        automation_id: automation.id,
        seed: Math.floor(Math.random() * 2 ** 31),
        holdout_pct: automation.holdout_pct,
      })
    ).id;
  const jobId = randomUUID();
  const data = {
    projectId: automation.project_id,
    automationId: automation.id,
    runId,
    customerIds: options.customerIds,
  };
  await insertJob(db, { id: jobId, projectId: automation.project_id, type: "automation_run", data });
  await db("automation_runs").where({ id: runId }).update({ job_id: jobId });
  await app.queue.enqueue("automation_run", jobId, data);
  return { job_id: jobId, run_id: runId };
}
