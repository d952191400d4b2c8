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

export interface RunRow {
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

export async function insertRun(
  db: Knex,
  run: { automation_id: string; seed: number; holdout_pct: number },
): Promise<RunRow> {
  const [row] = await db("automation_runs").insert(run).returning("*");
  return row as RunRow;
}

export const findRun = (db: Knex, id: string): Promise<RunRow | undefined> =>
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
