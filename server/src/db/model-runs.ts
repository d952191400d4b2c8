import type { Knex } from "knex";

/** The model_runs table: one row per segmentation or predictive run, its parameters, metrics and timings. */
export interface ModelRunRow {
  id: string;
  project_id: string;
  organization_id: string;
  job_id: string | null;
  kind: "segmentation" | "predictive";
  parameters: Record<string, unknown>;
  metrics: Record<string, unknown>;
  durations_ms: Record<string, number>;
  data_size: Record<string, number>;
  /** What an incremental run needs to score changed customers against this run's models; null if not kept. */
  scoring: Record<string, unknown> | null;
  created_at: Date;
}

export async function insertModelRun(
  db: Knex,
  run: Omit<ModelRunRow, "id" | "created_at" | "scoring"> & { scoring?: ModelRunRow["scoring"] },
): Promise<void> {
  await db("model_runs").insert({
    ...run,
    scoring: run.scoring ? JSON.stringify(run.scoring) : null,
    parameters: JSON.stringify(run.parameters),
    metrics: JSON.stringify(run.metrics),
    durations_ms: JSON.stringify(run.durations_ms),
    data_size: JSON.stringify(run.data_size),
  });
}

export function latestModelRun(
  db: Knex,
  projectId: string,
  kind: ModelRunRow["kind"],
): Promise<ModelRunRow | undefined> {
  return db("model_runs").where({ project_id: projectId, kind }).orderBy("created_at", "desc").first();
}

/** Model runs of an organization since `since` (the quota counts the current calendar month). */
export async function countModelRuns(db: Knex, organizationId: string, since: Date): Promise<number> {
  // One model run = one segmentation pass (its predictive pass belongs to it).
  const kind = "segmentation";
  const row = await db("model_runs")
    .where({ organization_id: organizationId, kind })
    .andWhere("created_at", ">=", since)
    .count<{ count: number }[]>({ count: "*" });
  return Number(row[0]?.count ?? 0);
}
