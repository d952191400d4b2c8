/**
 * A synthetic randomized e-mail campaign on a synthetic shop, for the uplift tests (seeded: every run draws the
 * same campaign). Each customer has a purchase history before the exposure and extra fields; half the exposed are
 * contacted at random; a customer buys within the 30-day window with probability baseline + contacted x effect,
 * and that purchase is written into their history (so outcomes come from the timeline, as in the product).
 */
import { buildTimelines, type CustomerTimeline } from "../../src/engine/customer-timeline.js";
import type { ExtraFields } from "../../src/engine/extra-fields.js";
import { seededRandom } from "../../src/engine/random.js";
import type { Exposure } from "../../src/engine/uplift.js";

const DAY_MS = 86_400_000;
export const REGIONS = ["north", "south", "east", "west"] as const;
export const WINDOW_DAYS = 30;

export interface CampaignCustomer {
  customerId: string;
  /** Days from the last purchase before the exposure to the exposure. */
  recencyDays: number;
  extra: ExtraFields;
  /** The true effect of contact on this customer's purchase probability. */
  effect: number;
}

export interface SyntheticCampaign {
  transactions: { customerId: string; at: Date; amount: number; orderId: string }[];
  extra: Map<string, ExtraFields>;
  exposures: (Exposure & { outcome: 0 | 1 })[];
  customers: CampaignCustomer[];
}

export interface CampaignSpec {
  customers: number;
  seed: number;
  exposedAt: Date;
  /** The true effect of contact given a customer's region and recency. */
  effect: (region: (typeof REGIONS)[number], recencyDays: number) => number;
  /** Customer ids start with this (so several campaigns can share one shop). */
  prefix?: string;
}

/** The effect of the heterogeneous campaign: strong in the north and for recent buyers, none elsewhere. */
export const heterogeneousEffect = (region: string, recencyDays: number) =>
  (region === "north" ? 0.2 : 0) + 0.2 * Math.exp(-recencyDays / 60);

export function syntheticCampaign(spec: CampaignSpec): SyntheticCampaign {
  const random = seededRandom(spec.seed);
  const exposedAt = spec.exposedAt.getTime();
  const prefix = spec.prefix ?? "c";
  const out: SyntheticCampaign = { transactions: [], extra: new Map(), exposures: [], customers: [] };
  for (let c = 0; c < spec.customers; c++) {
    const customerId = `${prefix}${c}`;
    const region = REGIONS[Math.floor(random() * REGIONS.length)]!;
    const extra: ExtraFields = {
      region,
      newsletter: random() < 0.4,
      age: String(18 + Math.floor(random() * 50)),
      member_code: `M-${spec.seed}-${c}`,
    };
    out.extra.set(customerId, extra);
    // The history: a last purchase 1..360 days before the exposure, a first one up to a year before that,
    // and a few in between.
    const recencyDays = 1 + Math.floor(random() * 360);
    const tenureDays = recencyDays + Math.floor(random() * 365);
    const between = Math.floor(-Math.log(1 - random()) * 2);
    const days = [
      tenureDays,
      recencyDays,
      ...Array.from({ length: between }, () => recencyDays + random() * (tenureDays - recencyDays)),
    ];
    days.forEach((daysBefore, k) => {
      out.transactions.push({
        customerId,
        at: new Date(exposedAt - daysBefore * DAY_MS),
        amount: Math.round(Math.exp(3 + 0.5 * normal(random)) * 100) / 100,
        orderId: `${customerId}-${k}`,
      });
    });
    const effect = spec.effect(region, recencyDays);
    const group = random() < 0.5 ? "treatment" : "control";
    const baseline = 0.05 + 0.15 * Math.exp(-recencyDays / 90);
    const outcome = random() < baseline + (group === "treatment" ? effect : 0) ? 1 : 0;
    if (outcome === 1)
      out.transactions.push({
        customerId,
        at: new Date(exposedAt + (1 + random() * (WINDOW_DAYS - 2)) * DAY_MS),
        amount: 40,
        orderId: `${customerId}-outcome`,
      });
    out.exposures.push({ customerId, campaignId: "spring", exposedAt: spec.exposedAt, group, outcome });
    out.customers.push({ customerId, recencyDays, extra, effect });
  }
  return out;
}

/** When the campaign of the tests and the report goes out, and the reference date 45 days later. */
export const EXPOSED_AT = new Date("2024-06-01T12:00:00Z");
export const REFERENCE_DATE = new Date(EXPOSED_AT.getTime() + 45 * DAY_MS);

/**
 * A campaign on `customers` customers exposed at EXPOSED_AT, and as many fresh customers exposed just after the
 * reference date, whose outcomes (unseen by any model fitted as of the reference date) judge the served scores.
 * Campaign `n` draws its customers with seed 2n − 1 and the fresh ones with seed 2n (so no two campaigns share one).
 */
export function campaignWithFreshCustomers(
  effect: CampaignSpec["effect"],
  customers = 10_000,
  n = 1,
): { timelines: CustomerTimeline[]; exposures: SyntheticCampaign["exposures"]; fresh: SyntheticCampaign } {
  const main = syntheticCampaign({ customers, seed: 2 * n - 1, exposedAt: EXPOSED_AT, effect });
  const fresh = syntheticCampaign({
    customers,
    seed: 2 * n,
    exposedAt: new Date(REFERENCE_DATE.getTime() + 1),
    effect,
    prefix: "e",
  });
  const timelines = buildTimelines(
    [...main.transactions, ...fresh.transactions],
    new Map([...main.extra, ...fresh.extra]),
  );
  return { timelines, exposures: main.exposures, fresh };
}

function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}
