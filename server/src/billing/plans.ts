/**
 * The plans catalogue: the single source of every plan's prices and limits. `GET /api/plans`, the quota checks,
 * the usage report and the docs' plans table all read it; nothing else may name a price or a limit.
 * A null limit means unlimited.
 *
 * Enterprise decision: self-serve at $200/month ($189/month billed annually), as in the product docs' table and
 * on the landing page, not "contact us". Reason: the docs' pricing table, the landing page and the contract's
 * `Plan` schema (a number, never null) all publish a price, and `CheckoutRequest` accepts `enterprise`, so a
 * customer can buy it like any paid plan. Only the older billing source said "contact us"; it had no price to
 * charge and no path through Checkout.
 *
 * Trials are not here: their length comes from the Stripe price (see trial-days.ts), never from our code.
 */
export const PLANS = [
  {
    id: "free",
    name: "Free",
    priceMonthlyUsd: 0,
    priceAnnualMonthlyUsd: 0,
    limits: {
      rows: 500_000,
      profiles: 5_000,
      modelRuns: 5,
      genaiOps: 5,
      automations: 2,
      storageGb: 0.5,
      teamSeats: 1,
    },
  },
  {
    id: "starter",
    name: "Starter",
    priceMonthlyUsd: 29,
    priceAnnualMonthlyUsd: 24,
    limits: {
      rows: 10_000_000,
      profiles: 50_000,
      modelRuns: 50,
      genaiOps: 50,
      automations: 10,
      storageGb: 5,
      teamSeats: 5,
    },
  },
  {
    id: "pro",
    name: "Pro",
    priceMonthlyUsd: 99,
    priceAnnualMonthlyUsd: 79,
    limits: {
      rows: 100_000_000,
      profiles: 500_000,
      modelRuns: 500,
      genaiOps: 500,
      automations: 50,
      storageGb: 50,
      teamSeats: 25,
    },
  },
  {
    id: "enterprise",
    name: "Enterprise",
    priceMonthlyUsd: 200,
    priceAnnualMonthlyUsd: 189,
    limits: {
      rows: null,
      profiles: null,
      modelRuns: null,
      genaiOps: null,
      automations: null,
      storageGb: 500,
      teamSeats: null,
    },
  },
] as const;

export type Plan = (typeof PLANS)[number];
export type PlanId = Plan["id"];
export type PaidPlanId = Exclude<PlanId, "free">;
export type Metric = keyof Plan["limits"];
export type Limits = { [M in Metric]: number | null };

export const FREE_PLAN: Plan = PLANS[0];

export const isPlanId = (id: string): id is PlanId => PLANS.some((p) => p.id === id);

/** The catalogue entry of a plan id; an unknown id (a plan since removed) falls back to free. */
export const planById = (id: string): Plan => PLANS.find((p) => p.id === id) ?? FREE_PLAN;

export const PAID_PLAN_IDS = PLANS.filter((p) => p.id !== "free").map((p) => p.id as PaidPlanId);

/** How a paid plan is billed: each plan and interval is a Stripe price of its own. */
export const INTERVALS = ["month", "year"] as const;
export type Interval = (typeof INTERVALS)[number];

const INTERVAL_WORDS = {
  month: { variable: "MONTHLY", doc: "billed monthly" },
  year: { variable: "ANNUAL", doc: "billed annually" },
} as const satisfies Record<Interval, { variable: string; doc: string }>;

export type StripePriceVariable =
  `STRIPE_PRICE_${Uppercase<PaidPlanId>}_${(typeof INTERVAL_WORDS)[Interval]["variable"]}`;

/** The environment variable naming the Stripe price of a paid plan and interval (STRIPE_PRICE_PRO_ANNUAL). */
export const stripePriceVariable = (plan: PaidPlanId, interval: Interval): StripePriceVariable =>
  `STRIPE_PRICE_${plan.toUpperCase() as Uppercase<PaidPlanId>}_${INTERVAL_WORDS[interval].variable}`;

/**
 * Every paid plan and interval with its price variable and how the docs name it ("Pro billed annually"), in
 * catalogue order: the configuration declares, parses and documents the price variables from this list.
 */
export const STRIPE_PRICES = PAID_PLAN_IDS.flatMap((plan) =>
  INTERVALS.map((interval) => ({
    plan,
    interval,
    variable: stripePriceVariable(plan, interval),
    doc: `${planById(plan).name} ${INTERVAL_WORDS[interval].doc}`,
  })),
);

/**
 * Days a past_due subscription keeps its paid limits while Stripe retries the payment (Smart Retries run for
 * about a week by default); after that the organization falls back to free until the invoice is paid.
 */
export const PAST_DUE_GRACE_DAYS = 7;
