/**
 * The plan catalogue from the pricing table. A null limit means unlimited. Enterprise prices follow the
 * landing page ($200 / $189); the product docs flag that the billing source once listed Enterprise as
 * "contact us" — to be confirmed by the product team.
 */
export const PLANS = [
  {
    id: "free",
    name: "Free",
    priceMonthlyUsd: 0,
    priceAnnualMonthlyUsd: 0,
    trialDays: null,
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
    trialDays: 14,
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
    trialDays: 14,
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
    trialDays: 14,
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

export type PlanId = (typeof PLANS)[number]["id"];
