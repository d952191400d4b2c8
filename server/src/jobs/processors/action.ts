import { findProject } from "../../db/projects.js";
import { listSegments, refreshMembership } from "../../db/segments.js";
import { queueRun } from "../../domain/automations/queue-run.js";
import { membershipCondition } from "../../domain/segments/membership.js";
import { PermanentJobError } from "../job-errors.js";
import type { Processor } from "./index.js";

/**
 * The action stage: refreshes every segment's members from the latest scores, records who entered and who left
 * each segment, and starts the automations that act on it (after each segmentation, or on segment entry).
 */
export const refreshSegments: Processor = async (ctx, app, report) => {
  const db = app.db.knex;
  const project = await findProject(db, ctx.data.projectId);
  if (!project) throw new PermanentJobError(`project ${ctx.data.projectId} no longer exists`);
  const segments = await listSegments(db, project.id);
  const changes: Record<string, { entered: number; left: number }> = {};
  for (const [i, segment] of segments.entries()) {
    await report((i / Math.max(1, segments.length)) * 90, `Refreshing ${segment.name}`);
    changes[segment.name] = await db.transaction((trx) =>
      refreshMembership(trx, segment, membershipCondition(segment), ctx.id),
    );
  }
  // Automations that act on this refresh: after every segmentation, or on the customers who just entered.
  let runs = 0;
  for (const automation of await db("automations").where({ project_id: project.id, status: "active" })) {
    if (automation.trigger.type === "after_segmentation") {
      await queueRun(app, automation);
      runs += 1;
    } else if (automation.trigger.type === "segment_entry") {
      const entered: string[] = await db("segment_events")
        .where({ segment_id: automation.segment_id, job_id: ctx.id, event: "enter" })
        .pluck("customer_id");
      if (entered.length > 0) {
        await queueRun(app, automation, { customerIds: entered });
        runs += 1;
      }
    }
  }
  const entered = Object.values(changes).reduce((sum, c) => sum + c.entered, 0);
  const left = Object.values(changes).reduce((sum, c) => sum + c.left, 0);
  return {
    result: { segments: changes, automation_runs: runs },
    message: `Refreshed ${segments.length} segments: ${entered} entries, ${left} exits; ${runs} automation runs`,
  };
};
