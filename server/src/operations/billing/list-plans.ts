import type { Logger } from "pino";
import { PLANS, type PlanId } from "../../billing/plans.js";
import type { StripeBilling } from "../../billing/stripe.js";
import { trialDaysOf } from "../../billing/trial-days.js";
import { defineOperation } from "../../http/operation.js";

/**
 * A paid plan's trial, from its monthly Stripe price; unknown (null) without Stripe, and while Stripe is
 * unreachable (the catalogue is public and must not fail with it).
 */
async function trialOf(
  stripe: StripeBilling | undefined,
  planId: PlanId,
  log: Logger,
): Promise<number | null> {
  const price = stripe && planId !== "free" ? stripe.config.prices[planId].month : undefined;
  if (!stripe || !price) return null;
  return trialDaysOf(stripe, price).catch((error: unknown) => {
    log.warn({ err: error, price }, "trial length not read from Stripe");
    return null;
  });
}

export const listPlans = defineOperation("listPlans", async ({ app, log }) => ({
  status: 200,
  body: {
    plans: await Promise.all(
      PLANS.map(async (plan) => ({
        ...plan,
        limits: { ...plan.limits },
        trialDays: await trialOf(app.stripe, plan.id, log),
      })),
    ),
  },
}));
