import type { Knex } from "knex";

/** The automations, automation_runs and deliveries tables. */
export interface AutomationRow {
  id: string;
  project_id: string;
  name: string;
  segment_id: string;
  integration_id: string;
  trigger: { type: "segment_entry" | "after_segmentation" | "schedule" | "manual"; cron?: string };
  template: { subject?: string; body: string };
  holdout_pct: number;
  status: "active" | "paused";
  last_run_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export interface DeliveryRow {
  id: string;
  automation_id: string;
  run_id: string;
  customer_id: string;
  status: "queued" | "sending" | "delivered" | "failed" | "dead";
  attempts: number;
  provider_status: number | null;
  provider_response: string | null;
  last_error: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface AutomationRunRow {
  id: string;
  automation_id: string;
  job_id: string | null;
  seed: number;
  holdout_pct: number;
  members: number | null;
  held_out: number | null;
  prepared_at: Date | null;
}

const json = (row: Partial<AutomationRow>) => ({
  ...row,
  ...(row.trigger ? { trigger: JSON.stringify(row.trigger) } : {}),
  ...(row.template ? { template: JSON.stringify(row.template) } : {}),
});

export async function insertAutomation(
  db: Knex,
  row: Omit<AutomationRow, "id" | "last_run_at" | "created_at" | "updated_at">,
): Promise<AutomationRow> {
  const [created] = await db("automations").insert(json(row)).returning("*");
  return created as AutomationRow;
}

export const findAutomation = (db: Knex, id: string): Promise<AutomationRow | undefined> =>
  db("automations").where({ id }).first();

export const listAutomations = (db: Knex, projectId: string): Promise<AutomationRow[]> =>
  db("automations").where({ project_id: projectId }).orderBy("created_at", "asc");

export async function updateAutomation(
  db: Knex,
  id: string,
  changes: Partial<AutomationRow>,
): Promise<AutomationRow> {
  const [row] = await db("automations")
    .where({ id })
    .update({ ...json(changes), updated_at: db.fn.now() })
    .returning("*");
  return row as AutomationRow;
}

export async function deleteAutomation(db: Knex, id: string): Promise<void> {
  await db("automations").where({ id }).delete();
}

/** Active automations of an organization (the plan's "automations" quota). */
export async function countActiveAutomations(db: Knex, organizationId: string): Promise<number> {
  const row = await db("automations as a")
    .join("projects as p", "p.id", "a.project_id")
    .where({ "p.organization_id": organizationId, "a.status": "active" })
    .count<{ n: number }[]>({ n: "*" });
  return Number(row[0]?.n ?? 0);
}

export async function insertAutomationRun(
  db: Knex,
  run: { automation_id: string; seed: number; holdout_pct: number },
): Promise<AutomationRunRow> {
  const [row] = await db("automation_runs").insert(run).returning("*");
  return row as AutomationRunRow;
}

export const findAutomationRun = (db: Knex, id: string): Promise<AutomationRunRow | undefined> =>
  db("automation_runs").where({ id }).first();

export async function pageOfDeliveries(
  db: Knex,
  automationId: string,
  status: string | undefined,
  page: { limit: number; offset: number },
): Promise<{ rows: DeliveryRow[]; total: number }> {
  const base = () => {
    const q = db("deliveries").where({ automation_id: automationId });
    if (status) q.andWhere({ status });
    return q;
  };
  const [rows, count] = await Promise.all([
    base()
      .orderBy([{ column: "created_at", order: "desc" }, { column: "id" }])
      .limit(page.limit)
      .offset(page.offset),
    base().count<{ n: number }[]>({ n: "*" }),
  ]);
  return { rows: rows as DeliveryRow[], total: Number(count[0]?.n ?? 0) };
}

export const findDelivery = (db: Knex, id: string): Promise<DeliveryRow | undefined> =>
  db("deliveries").where({ id }).first();

export async function updateDelivery(
  db: Knex,
  id: string,
  changes: Partial<DeliveryRow>,
): Promise<DeliveryRow> {
  const [row] = await db("deliveries")
    .where({ id })
    .update({ ...changes, updated_at: db.fn.now() })
    .returning("*");
  return row as DeliveryRow;
}

export const listActiveAutomations = (db: Knex, projectId: string): Promise<AutomationRow[]> =>
  db("automations").where({ project_id: projectId, status: "active" }).orderBy("created_at", "asc");

/** Every active automation with a schedule trigger, in all projects (what the schedule ticker checks). */
export const listScheduledAutomations = (db: Knex): Promise<AutomationRow[]> =>
  db("automations").where({ status: "active" }).whereRaw("trigger->>'type' = 'schedule'");

/**
 * Claims an automation's scheduled minute: one conditional UPDATE, so when several workers tick at once exactly
 * one of them gets it.
 */
export async function claimScheduledMinute(db: Knex, id: string, minute: Date): Promise<boolean> {
  const claimed = await db("automations")
    .where({ id })
    .andWhere((q) => q.whereNull("last_run_at").orWhere("last_run_at", "<", minute))
    .update({ last_run_at: minute });
  return claimed > 0;
}

export async function setAutomationRunJob(db: Knex, runId: string, jobId: string): Promise<void> {
  await db("automation_runs").where({ id: runId }).update({ job_id: jobId });
}

export async function markAutomationRunPrepared(
  db: Knex,
  runId: string,
  counts: { members: number; heldOut: number; at: Date },
): Promise<void> {
  await db("automation_runs")
    .where({ id: runId })
    .update({ members: counts.members, held_out: counts.heldOut, prepared_at: counts.at });
}

/** One delivery per treated customer of a run; a run prepared twice creates none twice. */
export async function insertDeliveries(
  db: Knex,
  automationId: string,
  runId: string,
  customerIds: string[],
): Promise<void> {
  if (customerIds.length === 0) return;
  await db("deliveries")
    .insert(
      customerIds.map((customerId) => ({
        automation_id: automationId,
        run_id: runId,
        customer_id: customerId,
      })),
    )
    .onConflict(["run_id", "customer_id"])
    .ignore();
}

/** Deliveries a stopped worker left "sending": they may have reached the provider, so they are not resent. */
export async function failInterruptedDeliveries(db: Knex, runId: string, reason: string): Promise<void> {
  await db("deliveries")
    .where({ run_id: runId, status: "sending" })
    .update({ status: "failed", last_error: reason, updated_at: db.fn.now() });
}

export const queuedDeliveries = (
  db: Knex,
  runId: string,
): Promise<Pick<DeliveryRow, "id" | "customer_id" | "attempts">[]> =>
  db("deliveries")
    .where({ run_id: runId, status: "queued" })
    .orderBy("created_at")
    .select("id", "customer_id", "attempts");

export async function countDeliveriesByStatus(db: Knex, runId: string): Promise<Record<string, number>> {
  const counts: { status: string; n: number }[] = await db("deliveries")
    .where({ run_id: runId })
    .groupBy("status")
    .select("status", db.raw("count(*)::int AS n"));
  return Object.fromEntries(counts.map((c) => [c.status, c.n]));
}
