import { z } from "zod";
import { segmentProject } from "../../domain/pipeline/segment-project.js";
import { defineJob } from "../job.js";

/** RFM, scores, ABC, K-Means with an automatic k, segment names and embeddings: one model run of the plan. */
export const segmentationJob = defineJob({
  type: "segmentation",
  payload: z.object({ projectId: z.uuid() }),
  projectOf: (payload) => payload.projectId,
  stage: "segmentation",
  next: { type: "predictive" },
  exclusive: true,
  run: (payload, { app, jobId, report }) =>
    segmentProject(
      { db: app.db.knex, engine: app.engine, fullRun: app.config.fullRun },
      { projectId: payload.projectId, jobId },
      report,
    ),
});
