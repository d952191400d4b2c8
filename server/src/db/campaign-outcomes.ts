import type { Knex } from "knex";

export interface CampaignObservation {
  customerId: string;
  group: "treatment" | "control";
  /** 1 when the customer bought within the campaign window after the exposure. */
  outcome: 0 | 1;
  /** What was known of the customer at exposure time (so the outcome cannot leak into its own features). */
  recencyDays: number;
  frequency: number;
  monetary: number;
}

/** Days a purchase after an exposure counts as the campaign's outcome. */
export const CAMPAIGN_WINDOW_DAYS = 30;
/** Recency of a customer who had not bought before the exposure. */
const NEVER_BOUGHT_DAYS = 3650;

/**
 * Every campaign exposure whose window has closed by the reference date, with its outcome and the customer's
 * history up to the exposure: the uplift model's training data.
 */
export async function loadCampaignObservations(
  db: Knex,
  projectId: string,
  referenceDate: Date,
): Promise<CampaignObservation[]> {
  const result = await db.raw(
    `SELECT coalesce(c.id::text, 'key:' || e.customer_key) AS customer_id, e."group",
            (o.bought IS NOT NULL) AS outcome,
            coalesce(floor(extract(epoch FROM (e.exposed_at - h.last_at)) / 86400), ?)::int AS recency_days,
            coalesce(h.orders, 0)::int AS frequency,
            coalesce(h.spent, 0)::float8 AS monetary
       FROM campaign_exposures e
       -- Exposed people who never bought have no customer row; they still belong to the experiment.
       LEFT JOIN customers c ON c.project_id = e.project_id AND c.customer_key = e.customer_key
       LEFT JOIN LATERAL (
         SELECT max(t.order_date) AS last_at, count(*) AS orders, sum(t.amount) AS spent
           FROM transactions t
          WHERE t.project_id = e.project_id AND t.customer_key = e.customer_key
            AND NOT t.is_return AND t.order_date < e.exposed_at) h ON true
       LEFT JOIN LATERAL (
         SELECT 1 AS bought
           FROM transactions t
          WHERE t.project_id = e.project_id AND t.customer_key = e.customer_key AND NOT t.is_return
            AND t.order_date > e.exposed_at AND t.order_date <= e.exposed_at + (? * interval '1 day')
          LIMIT 1) o ON true
      WHERE e.project_id = ? AND e.exposed_at + (? * interval '1 day') <= ?
      -- By content, not by id or storage order: the same exposures, however they arrived, train the same model.
      ORDER BY e.customer_key, e.campaign_id, e.exposed_at, e."group"`,
    [NEVER_BOUGHT_DAYS, CAMPAIGN_WINDOW_DAYS, projectId, CAMPAIGN_WINDOW_DAYS, referenceDate],
  );
  return (result.rows as Record<string, unknown>[]).map((r) => ({
    customerId: String(r.customer_id),
    group: r.group === "control" ? "control" : "treatment",
    outcome: r.outcome ? 1 : 0,
    recencyDays: Number(r.recency_days),
    frequency: Number(r.frequency),
    monetary: Number(r.monetary),
  }));
}

/** Records who a campaign (an automation run) reached and who it held out, at `exposedAt`. */
export async function insertExposures(
  db: Knex,
  projectId: string,
  campaignId: string,
  exposedAt: Date,
  rows: { customerKey: string; group: "treatment" | "control" }[],
): Promise<void> {
  if (rows.length === 0) return;
  await db("campaign_exposures").insert(
    rows.map((r) => ({
      project_id: projectId,
      customer_key: r.customerKey,
      campaign_id: campaignId,
      group: r.group,
      exposed_at: exposedAt,
    })),
  );
}
