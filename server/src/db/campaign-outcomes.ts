import type { Knex } from "knex";
import { type CustomerSample, inSample } from "./customer-sample.js";

export interface CampaignExposureRow {
  /** The customer profile id; exposed people who never bought have no profile and are `key:<customer id>`. */
  customerId: string;
  campaignId: string;
  group: "treatment" | "control";
  exposedAt: Date;
}

/**
 * Every campaign exposure up to the reference date: the uplift model's experiment. The Engine reads outcomes and
 * features from the customers' timelines, point in time, and leaves out (and counts) the exposures whose window
 * is still open. With a sample, the exposures of the sampled customers only.
 */
export async function loadCampaignExposures(
  db: Knex,
  projectId: string,
  referenceDate: Date,
  sample?: CustomerSample,
): Promise<CampaignExposureRow[]> {
  const rows = await db("campaign_exposures as e")
    // Exposed people who never bought have no customer row; they still belong to the experiment.
    .leftJoin("customers as c", function () {
      this.on("c.project_id", "e.project_id").andOn("c.customer_key", "e.customer_key");
    })
    .where("e.project_id", projectId)
    .andWhere("e.exposed_at", "<=", referenceDate)
    .andWhere(inSample(db, "e.customer_key", sample))
    // By content, not by id or storage order: the same exposures, however they arrived, train the same model.
    .orderBy(["e.customer_key", "e.campaign_id", "e.exposed_at", "e.group"])
    .select(
      db.raw("coalesce(c.id::text, 'key:' || e.customer_key) AS customer_id"),
      "e.campaign_id",
      "e.group",
      "e.exposed_at",
    );
  return rows.map((r) => ({
    customerId: String(r.customer_id),
    campaignId: r.campaign_id,
    group: r.group === "control" ? "control" : "treatment",
    exposedAt: new Date(r.exposed_at),
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
