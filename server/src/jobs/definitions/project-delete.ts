import { z } from "zod";
import { deleteProjectData } from "../../domain/projects/delete-project-data.js";
import { defineJob } from "../job.js";

/** Deletes a project marked `deleting` with all its data (runs alone: no stage of it runs meanwhile). */
export const projectDeleteJob = defineJob({
  type: "project_delete",
  payload: z.object({ projectId: z.uuid() }),
  projectOf: (payload) => payload.projectId,
  exclusive: true,
  maxAttempts: 5,
  run: (payload, { app, report }) =>
    deleteProjectData({ db: app.db.knex, files: app.files }, payload.projectId, report),
});
