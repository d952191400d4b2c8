import { PLANS } from "../../billing/plans.js";
import { defineOperation } from "../../http/operation.js";

export const listPlans = defineOperation("listPlans", async () => ({
  status: 200,
  body: { plans: PLANS.map((plan) => ({ ...plan, limits: { ...plan.limits } })) },
}));
