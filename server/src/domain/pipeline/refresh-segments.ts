import type { Knex } from "knex";
import { listActiveAutomations } from "../../db/automations.js";
import { findProject } from "../../db/projects.js";
import { customersWhoEntered, listSegments, refreshMembership } from "../../db/segments.js";
import type { JobScheduler } from "../../queue/scheduler.js";
import { queueAutomationRun } from "../automations/queue-run.js";
import { membershipCondition } from "../segments/membership.js";
import { PermanentStepError, type Progress, type StepOutcome } from "./progress.js";

export interface ActionResult {
  segments: Record<string, { entered: number; left: number }>;
  automation_runs: number;
}

/**
 * The action stage: refreshes every segment's members from the latest scores, records who entered and who left
 * each segment, and starts the automations that act on it (after each segmentation, or on segment entry).
 */
export async function refreshSegments(
  deps: { db: Knex; jobs: JobScheduler },
  input: { projectId: string; jobId: string },
  report: Progress,
): Promise<StepOutcome<ActionResult>> {
  const { db } = deps;
  const project = await findProject(db, input.projectId);
  if (!project) throw new PermanentStepError(`project ${input.projectId} no longer exists`);
  const segments = await listSegments(db, project.id);
  const changes: ActionResult["segments"] = {};
  for (const [i, segment] of segments.entries()) {
    await report((i / Math.max(1, segments.length)) * 90, `Refreshing ${segment.name}`);
    changes[segment.name] = await db.transaction((trx) =>
      refreshMembership(trx, segment, membershipCondition(segment), input.jobId),
    );
  }
  // Automations that act on this refresh: after every segmentation, or on the customers who just entered.
  let runs = 0;
  for (const automation of await listActiveAutomations(db, project.id)) {
    if (automation.trigger.type === "after_segmentation") {
      await queueAutomationRun(deps, automation);
      runs += 1;
    } else if (automation.trigger.type === "segment_entry") {
      const entered = await customersWhoEntered(db, automation.segment_id, input.jobId);
      if (entered.length > 0) {
        await queueAutomationRun(deps, automation, { customerIds: entered });
        runs += 1;
      }
    }
  }
  const entered = Object.values(changes).reduce((sum, c) => sum + c.entered, 0);
  const left = Object.values(changes).reduce((sum, c) => sum + c.left, 0);
  return {
    status: "completed",
    result: { segments: changes, automation_runs: runs },
    message: `Refreshed ${segments.length} segments: ${entered} entries, ${left} exits; ${runs} automation runs`,
  };
}
