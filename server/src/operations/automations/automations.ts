import type { AutomationRow, DeliveryRow } from "../../db/automations.js";
import * as table from "../../db/automations.js";
import * as automations from "../../domain/automations/automations.js";
import { queueAutomationRun } from "../../domain/automations/queue-run.js";
import { DomainError, notFound } from "../../domain/errors.js";
import { requireProject, requireProjectOf } from "../../domain/organizations/access.js";
import { defineOperation } from "../../http/operation.js";

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

const present = (a: AutomationRow) => ({
  id: a.id,
  projectId: a.project_id,
  name: a.name,
  segmentId: a.segment_id,
  integrationId: a.integration_id,
  trigger: a.trigger,
  template: a.template,
  holdoutPct: a.holdout_pct,
  status: a.status,
  lastRunAt: iso(a.last_run_at),
  createdAt: a.created_at.toISOString(),
  updatedAt: a.updated_at.toISOString(),
});

const presentDelivery = (d: DeliveryRow) => ({
  id: d.id,
  automationId: d.automation_id,
  runId: d.run_id,
  customerId: d.customer_id,
  status: d.status,
  attempts: d.attempts,
  providerStatus: d.provider_status,
  providerResponse: d.provider_response,
  lastError: d.last_error,
  createdAt: d.created_at.toISOString(),
  updatedAt: d.updated_at.toISOString(),
});

export const listAutomations = defineOperation("listAutomations", async ({ app, principal, params }) => {
  const { project } = await requireProject(app.db.knex, principal, params.projectId);
  return {
    status: 200,
    body: { automations: (await table.listAutomations(app.db.knex, project.id)).map(present) },
  };
});

export const createAutomation = defineOperation(
  "createAutomation",
  async ({ app, principal, params, body }) => {
    const { project } = await requireProject(app.db.knex, principal, params.projectId);
    const created = await automations.createAutomation(
      app.db.knex,
      project.id,
      body as Parameters<typeof automations.createAutomation>[2],
    );
    return { status: 201, body: present(created) };
  },
);

export const getAutomation = defineOperation("getAutomation", async ({ app, principal, params }) => ({
  status: 200,
  body: present(await automations.requireAutomation(app.db.knex, principal, params.automationId)),
}));

export const updateAutomation = defineOperation(
  "updateAutomation",
  async ({ app, principal, params, body }) => {
    const row = await automations.requireAutomation(app.db.knex, principal, params.automationId);
    return {
      status: 200,
      body: present(
        await automations.updateAutomation(app.db.knex, row, body as automations.AutomationInput),
      ),
    };
  },
);

export const deleteAutomation = defineOperation("deleteAutomation", async ({ app, principal, params }) => {
  const row = await automations.requireAutomation(app.db.knex, principal, params.automationId);
  await table.deleteAutomation(app.db.knex, row.id);
  return { status: 204, body: undefined };
});

export const runAutomation = defineOperation("runAutomation", async ({ app, principal, params }) => {
  const row = await automations.requireAutomation(app.db.knex, principal, params.automationId);
  const queued = await queueAutomationRun({ db: app.db.knex, jobs: app.jobs }, row);
  return { status: 202, body: { ...queued, status: "queued" as const } };
});

export const listDeliveries = defineOperation("listDeliveries", async ({ app, principal, params, query }) => {
  const row = await automations.requireAutomation(app.db.knex, principal, params.automationId);
  const limit = query.limit ?? 20;
  const page = query.page ?? 1;
  const { rows, total } = await table.pageOfDeliveries(app.db.knex, row.id, query.status, {
    limit,
    offset: (page - 1) * limit,
  });
  return {
    status: 200,
    body: { deliveries: rows.map(presentDelivery), total, page, pages: Math.ceil(total / limit) },
  };
});

/** Sends a failed or dead delivery again, as part of its own run (still once per customer per run). */
export const redeliver = defineOperation("redeliver", async ({ app, principal, params }) => {
  const db = app.db.knex;
  const delivery = await table.findDelivery(db, params.deliveryId);
  const automation = delivery && (await table.findAutomation(db, delivery.automation_id));
  if (!delivery || !automation) throw notFound("Delivery", params.deliveryId);
  await requireProjectOf(db, principal, automation.project_id, "Delivery", params.deliveryId);
  if (delivery.status !== "failed" && delivery.status !== "dead") {
    throw new DomainError("conflict", "conflict", "delivery_not_redeliverable", { status: delivery.status });
  }
  const queued = await table.updateDelivery(db, delivery.id, { status: "queued", last_error: null });
  await queueAutomationRun({ db, jobs: app.jobs }, automation, { automationRunId: delivery.run_id });
  return { status: 202, body: presentDelivery(queued) };
});
