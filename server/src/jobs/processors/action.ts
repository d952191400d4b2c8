import { findProject } from "../../db/projects.js";
import { listSegments, refreshMembership } from "../../db/segments.js";
import { membershipCondition } from "../../domain/segments/membership.js";
import { PermanentJobError } from "../job-errors.js";
import type { Processor } from "./index.js";

/**
 * The action stage: refreshes every segment's members from the latest scores and records who entered and who
 * left each segment, which is what automations triggered by segment entry act on.
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
  const entered = Object.values(changes).reduce((sum, c) => sum + c.entered, 0);
  const left = Object.values(changes).reduce((sum, c) => sum + c.left, 0);
  return {
    result: { segments: changes },
    message: `Refreshed ${segments.length} segments: ${entered} entries, ${left} exits`,
  };
};
