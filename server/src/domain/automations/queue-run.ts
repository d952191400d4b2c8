import type { Knex } from "knex";
import { type AutomationRow, insertAutomationRun, setAutomationRunJob } from "../../db/automations.js";
import type { JobScheduler } from "../../queue/scheduler.js";

/**
 * Queues a run of an automation (a job of type automation_run) and returns its ids; with `automationRunId`, a
 * new job for that existing run (to send what was put back in its queue).
 */
export async function queueAutomationRun(
  deps: { db: Knex; jobs: JobScheduler },
  automation: AutomationRow,
  options: { customerIds?: string[]; automationRunId?: string } = {},
): Promise<{ job_id: string; run_id: string }> {
  return deps.db.transaction(async (trx) => {
    const run = options.automationRunId
      ? { id: options.automationRunId }
      : await insertAutomationRun(trx, {
          automation_id: automation.id,
          seed: Math.floor(Math.random() * 2 ** 31),
          holdout_pct: automation.holdout_pct,
        });
    const jobId = await deps.jobs.record(trx, {
      type: "automation_run",
      payload: {
        projectId: automation.project_id,
        automationId: automation.id,
        automationRunId: run.id,
        ...(options.customerIds ? { customerIds: options.customerIds } : {}),
      },
    });
    await setAutomationRunJob(trx, run.id, jobId);
    return { job_id: jobId, run_id: run.id };
  });
}
