import type { Knex } from "knex";

/** The aggregates of a project's overview, each one query. */
export async function projectTotals(db: Knex, projectId: string) {
  const [customers, transactions] = await Promise.all([
    db("customers").where({ project_id: projectId }).count<{ n: number }[]>({ n: "*" }),
    db("transactions")
      .where({ project_id: projectId })
      .first(db.raw("count(*)::int AS n"), db.raw("coalesce(sum(amount), 0)::float8 AS revenue")),
  ]);
  return {
    customers: Number(customers[0]?.n ?? 0),
    transactions: transactions.n as number,
    revenue: transactions.revenue as number,
  };
}

export function clusterCounts(
  db: Knex,
  projectId: string,
): Promise<{ segment_id: string; label: string; count: number }[]> {
  return db("customers as c")
    .join("segments as s", "s.id", "c.segment_id")
    .where("c.project_id", projectId)
    .groupBy("s.id", "s.name")
    .orderBy("count", "desc")
    .select("s.id as segment_id", "s.name as label", db.raw("count(*)::int AS count"));
}

export function rfmGrid(
  db: Knex,
  projectId: string,
): Promise<{ r_score: number; f_score: number; count: number }[]> {
  return db("customers")
    .where({ project_id: projectId })
    .whereNotNull("rfm_r_score")
    .groupBy("rfm_r_score", "rfm_f_score")
    .orderBy(["rfm_r_score", "rfm_f_score"])
    .select("rfm_r_score as r_score", "rfm_f_score as f_score", db.raw("count(*)::int AS count"));
}

/** When each stage last completed. */
export async function lastRuns(db: Knex, projectId: string): Promise<Record<string, Date | null>> {
  const rows = await db("jobs")
    .where({ project_id: projectId, status: "completed" })
    .groupBy("type")
    .select("type", db.raw("max(finished_at) AS at"));
  const at = Object.fromEntries(rows.map((r: { type: string; at: Date }) => [r.type, r.at]));
  return {
    ingest: at.ingest ?? null,
    segmentation: at.segmentation ?? null,
    predictive: at.predictive ?? null,
    action: at.action ?? null,
  };
}
