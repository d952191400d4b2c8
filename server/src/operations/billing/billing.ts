import { billingDetailsOf, updateBillingDetails } from "../../billing/details.js";
import { invoicesOf, paymentMethodsOf } from "../../billing/invoices.js";
import {
  subscribeFree as activateFree,
  cancelAtPeriodEnd,
  openPortal,
  startCheckout,
  syncSubscription as sync,
} from "../../billing/subscription.js";
import { usageOf } from "../../billing/usage.js";
import { receiveStripeEvent } from "../../billing/webhook.js";
import type { AppContext } from "../../context.js";
import { requireManager, requireOrganization } from "../../domain/organizations/access.js";
import type { Principal } from "../../domain/principal.js";
import { defineOperation } from "../../http/operation.js";

const depsOf = (app: AppContext) => ({
  db: app.db.knex,
  stripe: app.stripe,
  publicUrl: app.config.publicUrl,
});

/** Every billing route: a non-member gets 404 and a member 403 before anything else happens. */
async function manage(app: AppContext, principal: Principal, orgId: string, action: string) {
  const organization = await requireOrganization(app.db.knex, principal, orgId);
  requireManager(organization, action);
  return organization;
}

export const getUsage = defineOperation("getUsage", async ({ app, principal, params }) => {
  await manage(app, principal, params.orgId, "Reading usage");
  const usage = await usageOf(app.db.knex, params.orgId);
  return {
    status: 200,
    body: {
      plan: usage.plan,
      period: { start: usage.period.start.toISOString(), end: usage.period.end.toISOString() },
      data: usage.data,
    },
  };
});

export const getBilling = defineOperation("getBilling", async ({ app, principal, params }) => {
  await manage(app, principal, params.orgId, "Reading billing details");
  return { status: 200, body: await billingDetailsOf(depsOf(app), params.orgId) };
});

export const updateBilling = defineOperation("updateBilling", async ({ app, principal, params, body }) => {
  const organization = await manage(app, principal, params.orgId, "Changing billing details");
  return { status: 200, body: await updateBillingDetails(depsOf(app), organization, body) };
});

export const listInvoices = defineOperation("listInvoices", async ({ app, principal, params }) => {
  await manage(app, principal, params.orgId, "Reading invoices");
  return { status: 200, body: { invoices: await invoicesOf(depsOf(app), params.orgId) } };
});

export const listPaymentMethods = defineOperation(
  "listPaymentMethods",
  async ({ app, principal, params }) => {
    await manage(app, principal, params.orgId, "Reading payment methods");
    return { status: 200, body: { paymentMethods: await paymentMethodsOf(depsOf(app), params.orgId) } };
  },
);

export const createBillingPortalSession = defineOperation(
  "createBillingPortalSession",
  async ({ app, principal, params }) => {
    const organization = await manage(app, principal, params.orgId, "Opening the billing portal");
    return { status: 200, body: await openPortal(depsOf(app), organization) };
  },
);

export const createCheckoutSession = defineOperation(
  "createCheckoutSession",
  async ({ app, principal, params, body, req }) => {
    const organization = await manage(app, principal, params.orgId, "Starting a checkout");
    const key = req.get("idempotency-key") ?? undefined;
    return { status: 200, body: await startCheckout(depsOf(app), organization, body, key) };
  },
);

export const subscribeFree = defineOperation("subscribeFree", async ({ app, principal, params }) => {
  await manage(app, principal, params.orgId, "Changing the plan");
  return { status: 200, body: await activateFree(depsOf(app), params.orgId) };
});

export const cancelSubscription = defineOperation(
  "cancelSubscription",
  async ({ app, principal, params }) => {
    await manage(app, principal, params.orgId, "Cancelling the subscription");
    return { status: 200, body: await cancelAtPeriodEnd(depsOf(app), params.orgId) };
  },
);

export const syncSubscription = defineOperation("syncSubscription", async ({ app, principal, params }) => {
  await manage(app, principal, params.orgId, "Syncing the subscription");
  return { status: 200, body: await sync(depsOf(app), params.orgId) };
});

export const handleStripeWebhook = defineOperation("handleStripeWebhook", async ({ app, req, log }) => {
  await receiveStripeEvent({ ...depsOf(app), log }, req.rawBody, req.get("stripe-signature") ?? "");
  return { status: 200, body: { received: true as const } };
});
