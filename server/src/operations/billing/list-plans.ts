import { PLANS } from "../../billing/plans.js";
import type { StripeBilling } from "../../billing/stripe.js";
import { trialDaysOf } from "../../billing/trial-days.js";
import { defineOperation } from "../../http/operation.js";

/** A paid plan's trial, from its monthly Stripe price; unknown (null) without Stripe or while it is unreachable. */
async function trialOf(stripe: StripeBilling | undefined, planId: string): Promise<number | null> {
  const price = stripe && planId !== "free" ? stripe.config.prices[planId as "pro"].month : undefined;
  if (!stripe || !price) return null;
  return trialDaysOf(stripe, price).catch(() => null);
}

export const listPlans = defineOperation("listPlans", async ({ app }) => ({
  status: 200,
  body: {
    plans: await Promise.all(
      PLANS.map(async (plan) => ({
        ...plan,
        limits: { ...plan.limits },
        trialDays: await trialOf(app.stripe, plan.id),
      })),
    ),
  },
}));
