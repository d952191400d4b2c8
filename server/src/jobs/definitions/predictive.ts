import { z } from "zod";
import { predictProject } from "../../domain/pipeline/predict-project.js";
import { defineJob } from "../job.js";

/** Churn score and risk, CLV and uplift for every customer of the project. */
export const predictiveJob = defineJob({
  type: "predictive",
  payload: z.object({ projectId: z.uuid() }),
  projectOf: (payload) => payload.projectId,
  stage: "predictive",
  next: { type: "action" },
  exclusive: true,
  run: (payload, { app, jobId, report }) =>
    predictProject(
      { db: app.db.knex, engine: app.engine, sampleCustomers: app.config.modelSampleCustomers },
      { projectId: payload.projectId, jobId },
      report,
    ),
});
