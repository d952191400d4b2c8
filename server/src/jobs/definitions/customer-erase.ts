import { z } from "zod";
import { eraseCustomer } from "../../domain/customers/erase-customer.js";
import { defineJob } from "../job.js";

/** A privacy request: erases one customer (runs alone on its project, so no stage writes them back meanwhile). */
export const customerEraseJob = defineJob({
  type: "customer_erase",
  payload: z.object({ projectId: z.uuid(), customerId: z.uuid(), suppress: z.boolean() }),
  projectOf: (payload) => payload.projectId,
  exclusive: true,
  maxAttempts: 5,
  run: (payload, { app, jobId, report }) => eraseCustomer(app.db.knex, { ...payload, jobId }, report),
});
