import { z } from "zod";
import { refreshSegments } from "../../domain/pipeline/refresh-segments.js";
import { defineJob } from "../job.js";

/** Refreshes every segment's members and starts the automations that act on the changes. */
export const actionJob = defineJob({
  type: "action",
  payload: z.object({ projectId: z.uuid() }),
  projectOf: (payload) => payload.projectId,
  stage: "action",
  exclusive: true,
  run: (payload, { app, jobId, report }) =>
    refreshSegments({ db: app.db.knex, jobs: app.jobs }, { projectId: payload.projectId, jobId }, report),
});
