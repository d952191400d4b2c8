import { z } from "zod";
import { runAutomation } from "../../domain/automations/run-automation.js";
import { defineJob } from "../job.js";

/** One run of an automation: the holdout draw, the exposures and the deliveries over its channel. */
export const automationRunJob = defineJob({
  type: "automation_run",
  payload: z.object({
    projectId: z.uuid(),
    automationId: z.uuid(),
    automationRunId: z.uuid(),
    /** Only these customers (segment entry); every member when absent. */
    customerIds: z.array(z.uuid()).optional(),
  }),
  projectOf: (payload) => payload.projectId,
  run: (payload, { app, report }) =>
    runAutomation(
      {
        db: app.db.knex,
        secrets: app.secrets,
        rateGate: app.rateGate,
        webhookAllowHosts: app.config.webhookAllowHosts,
        hostLookup: app.config.hostLookup,
        providerBaseUrls: app.config.providerBaseUrls,
        metrics: app.metrics,
      },
      { automationRunId: payload.automationRunId, customerIds: payload.customerIds },
      report,
    ),
});
