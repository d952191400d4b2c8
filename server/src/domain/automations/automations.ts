import type { Knex } from "knex";
import { planOf, quotaExceeded } from "../../billing/quotas.js";
import type { AutomationRow } from "../../db/automations.js";
import * as table from "../../db/automations.js";
import { findIntegration } from "../../db/integrations.js";
import { findProject } from "../../db/projects.js";
import { findSegment } from "../../db/segments.js";
import { DomainError, notFound, type PendingDetail } from "../errors.js";
import { requireProjectOf } from "../organizations/access.js";
import type { Principal } from "../principal.js";
import { parseCron } from "./cron.js";
import { unknownPlaceholders } from "./template.js";

export interface AutomationInput {
  name?: string;
  segmentId?: string;
  integrationId?: string;
  trigger?: AutomationRow["trigger"];
  template?: AutomationRow["template"];
  holdoutPct?: number;
  status?: "active" | "paused";
}

export async function requireAutomation(db: Knex, principal: Principal, id: string): Promise<AutomationRow> {
  const row = await table.findAutomation(db, id);
  if (!row) throw notFound("Automation", id);
  await requireProjectOf(db, principal, row.project_id, "Automation", id);
  return row;
}

const invalid = (field: string, messageKey: PendingDetail["messageKey"], params: Record<string, string>) =>
  new DomainError("invalid", "validation_failed", messageKey, params, {
    details: [{ location: "body", field, rule: "reference", messageKey, params }],
    errorCount: 1,
  });

/** The segment and integration must be the project's own; templates may only name customer fields. */
async function check(db: Knex, projectId: string, input: AutomationInput) {
  if (input.segmentId) {
    const segment = await findSegment(db, input.segmentId);
    if (!segment || segment.project_id !== projectId)
      throw invalid("segmentId", "automation_reference", { field: "segmentId", id: input.segmentId });
  }
  if (input.integrationId) {
    const integration = await findIntegration(db, input.integrationId);
    if (!integration || integration.project_id !== projectId) {
      throw invalid("integrationId", "automation_reference", {
        field: "integrationId",
        id: input.integrationId,
      });
    }
  }
  if (input.trigger?.type === "schedule") {
    try {
      parseCron(input.trigger.cron ?? "");
    } catch (error) {
      throw invalid("trigger.cron", "automation_cron_invalid", { reason: (error as Error).message });
    }
  }
  for (const [field, text] of [
    ["template.subject", input.template?.subject],
    ["template.body", input.template?.body],
  ] as const) {
    const unknown = text ? unknownPlaceholders(text) : [];
    if (unknown.length > 0)
      throw invalid(field, "automation_placeholder", { field, names: unknown.join(", ") });
  }
}

/** Active automations count against the plan; pausing frees a slot. */
async function requireAutomationSlot(db: Knex, projectId: string) {
  const project = await findProject(db, projectId);
  if (!project) throw notFound("Project", projectId);
  const { plan, limits } = await planOf(db, project.organization_id);
  if (limits.automations === null) return;
  const active = await table.countActiveAutomations(db, project.organization_id);
  if (active >= limits.automations) {
    throw quotaExceeded(
      project.organization_id,
      "automations",
      { plan, used: active, limit: limits.automations },
      "quota_automations",
    );
  }
}

export async function createAutomation(
  db: Knex,
  projectId: string,
  input: Required<Omit<AutomationInput, "holdoutPct" | "status">> & AutomationInput,
) {
  await check(db, projectId, input);
  const status = input.status ?? "active";
  if (status === "active") await requireAutomationSlot(db, projectId);
  return table.insertAutomation(db, {
    project_id: projectId,
    name: input.name,
    segment_id: input.segmentId,
    integration_id: input.integrationId,
    trigger: input.trigger,
    template: input.template,
    holdout_pct: input.holdoutPct ?? 10,
    status,
  });
}

export async function updateAutomation(db: Knex, row: AutomationRow, input: AutomationInput) {
  await check(db, row.project_id, input);
  if (input.status === "active" && row.status !== "active") await requireAutomationSlot(db, row.project_id);
  return table.updateAutomation(db, row.id, {
    name: input.name,
    segment_id: input.segmentId,
    integration_id: input.integrationId,
    trigger: input.trigger,
    template: input.template,
    holdout_pct: input.holdoutPct,
    status: input.status,
  });
}
