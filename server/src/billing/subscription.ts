import type { Knex } from "knex";
import {
  applySubscriptionState,
  type BillingAccountRow,
  ensureBillingAccount,
  findBillingAccount,
  type SubscriptionState,
  setStripeCustomer,
} from "../db/billing-accounts.js";
import { DomainError } from "../domain/errors.js";
import type { PaidPlanId, PlanId } from "./plans.js";
import { planOf } from "./quotas.js";
import {
  callStripe,
  type Interval,
  planOfPrice,
  priceOf,
  requireStripe,
  type Stripe,
  type StripeBilling,
} from "./stripe.js";
import { trialDaysOf } from "./trial-days.js";

export interface BillingDeps {
  db: Knex;
  stripe: StripeBilling | undefined;
  /** Where Stripe sends the user back after Checkout or the portal. */
  publicUrl: string;
}

export interface BillingOrganization {
  id: string;
  name: string;
}

/** The Subscription of the contract: the plan in force and the state last read from Stripe. */
export interface SubscriptionView {
  plan: PlanId;
  status: BillingAccountRow["status"];
  interval: Interval | null;
  currentPeriodEnd: string | null;
  cancelAtPeriodEnd: boolean;
  trialEnd: string | null;
}

const RUNNING: BillingAccountRow["status"][] = ["active", "trialing", "past_due"];

const iso = (date: Date | null) => (date ? date.toISOString() : null);

export async function subscriptionOf(db: Knex, organizationId: string): Promise<SubscriptionView> {
  const [{ plan }, account] = await Promise.all([
    planOf(db, organizationId),
    findBillingAccount(db, organizationId),
  ]);
  return {
    plan,
    status: account?.status ?? "none",
    interval: account?.interval ?? null,
    currentPeriodEnd: iso(account?.current_period_end ?? null),
    cancelAtPeriodEnd: account?.cancel_at_period_end ?? false,
    trialEnd: iso(account?.trial_end ?? null),
  };
}

/** A running paid subscription (trial and past_due included): Checkout and subscribe-free refuse while it runs. */
const hasPaidSubscription = (account: BillingAccountRow | undefined) =>
  account?.stripe_subscription_id != null && RUNNING.includes(account.status);

async function refuseIfSubscribed(db: Knex, organizationId: string, account: BillingAccountRow | undefined) {
  if (!hasPaidSubscription(account)) return;
  const { plan } = await planOf(db, organizationId);
  throw new DomainError("conflict", "already_subscribed", "already_subscribed", {
    plan,
    status: account?.status ?? "active",
    orgId: organizationId,
  });
}

/** The organization's Stripe customer, created the first time billing needs one (its id in the metadata). */
export async function customerOf(
  deps: BillingDeps,
  stripe: StripeBilling,
  organization: BillingOrganization,
): Promise<string> {
  const account = await ensureBillingAccount(deps.db, organization.id);
  if (account.stripe_customer_id) return account.stripe_customer_id;
  // One key per organization: two first requests at once create one customer, not two.
  const customer = await callStripe(() =>
    stripe.client.customers.create(
      { name: organization.name, metadata: { organization_id: organization.id } },
      { idempotencyKey: `segmento-customer-${organization.id}` },
    ),
  );
  return setStripeCustomer(deps.db, organization.id, customer.id);
}

/** Stripe Checkout in subscription mode for a paid plan and interval, with the trial its Stripe price defines. */
export async function startCheckout(
  deps: BillingDeps,
  organization: BillingOrganization,
  input: { plan: PaidPlanId; interval: Interval },
  idempotencyKey: string | undefined,
): Promise<{ url: string; sessionId: string }> {
  const stripe = requireStripe(deps.stripe);
  const price = priceOf(stripe, input.plan, input.interval);
  await refuseIfSubscribed(deps.db, organization.id, await findBillingAccount(deps.db, organization.id));
  const customer = await customerOf(deps, stripe, organization);
  const trialDays = await trialDaysOf(stripe, price);
  const session = await callStripe(() =>
    stripe.client.checkout.sessions.create(
      {
        mode: "subscription",
        customer,
        client_reference_id: organization.id,
        line_items: [{ price, quantity: 1 }],
        subscription_data: {
          metadata: { organization_id: organization.id },
          ...(trialDays ? { trial_period_days: trialDays } : {}),
        },
        metadata: { organization_id: organization.id },
        success_url: `${deps.publicUrl}/?checkout=success`,
        cancel_url: `${deps.publicUrl}/?checkout=cancelled`,
      },
      idempotencyKey
        ? { idempotencyKey: `segmento-checkout-${organization.id}-${idempotencyKey}` }
        : undefined,
    ),
  );
  if (!session.url) throw new Error(`Stripe returned checkout session ${session.id} without a url`);
  return { url: session.url, sessionId: session.id };
}

export async function openPortal(
  deps: BillingDeps,
  organization: BillingOrganization,
): Promise<{ url: string }> {
  const stripe = requireStripe(deps.stripe);
  const customer = await customerOf(deps, stripe, organization);
  const session = await callStripe(() =>
    stripe.client.billingPortal.sessions.create({ customer, return_url: `${deps.publicUrl}/` }),
  );
  return { url: session.url };
}

/** The free plan, without Stripe: 409 while a paid subscription runs or when free is already active. */
export async function subscribeFree(deps: BillingDeps, organizationId: string): Promise<SubscriptionView> {
  const account = await ensureBillingAccount(deps.db, organizationId);
  await refuseIfSubscribed(deps.db, organizationId, account);
  if (account.status === "active" && account.stripe_subscription_id === null) {
    throw new DomainError("conflict", "already_subscribed", "already_on_free");
  }
  await applySubscriptionState(deps.db, organizationId, FREE_STATE, "free");
  return subscriptionOf(deps.db, organizationId);
}

const FREE_STATE: SubscriptionState = {
  stripe_subscription_id: null,
  status: "active",
  interval: null,
  current_period_start: null,
  current_period_end: null,
  cancel_at_period_end: false,
  trial_end: null,
};

/** Cancels at period end: the plan stays until currentPeriodEnd, then Stripe ends it and the plan drops to free. */
export async function cancelAtPeriodEnd(
  deps: BillingDeps,
  organizationId: string,
): Promise<SubscriptionView> {
  const stripe = requireStripe(deps.stripe);
  const account = await findBillingAccount(deps.db, organizationId);
  if (!account?.stripe_subscription_id || !hasPaidSubscription(account)) {
    const { plan } = await planOf(deps.db, organizationId);
    throw new DomainError("conflict", "no_subscription", "no_paid_subscription", {
      action: "cancel",
      plan,
      orgId: organizationId,
    });
  }
  if (!account.cancel_at_period_end) {
    const subscriptionId = account.stripe_subscription_id;
    const updated = await callStripe(() =>
      stripe.client.subscriptions.update(subscriptionId, { cancel_at_period_end: true }),
    );
    await applyStripeSubscription(deps.db, stripe, organizationId, updated);
  }
  return subscriptionOf(deps.db, organizationId);
}

/** Reads the organization's subscription from Stripe and applies it (webhooks call this too). */
export async function syncSubscription(deps: BillingDeps, organizationId: string): Promise<SubscriptionView> {
  const stripe = requireStripe(deps.stripe);
  const account = await findBillingAccount(deps.db, organizationId);
  if (account?.stripe_customer_id)
    await syncCustomer(deps.db, stripe, organizationId, account.stripe_customer_id);
  return subscriptionOf(deps.db, organizationId);
}

/**
 * The customer's current subscription, read from Stripe, applied. Events may arrive in any order or twice, so
 * none of their payloads is trusted as the state: this read is. The newest running subscription wins, else the
 * newest at all; none at all leaves the organization on free.
 */
export async function syncCustomer(
  db: Knex,
  stripe: StripeBilling,
  organizationId: string,
  stripeCustomerId: string,
): Promise<void> {
  const list = await callStripe(() =>
    stripe.client.subscriptions.list({ customer: stripeCustomerId, status: "all", limit: 20 }),
  );
  const byNewest = [...list.data].sort((a, b) => b.created - a.created);
  const current =
    byNewest.find((s) => ["active", "trialing", "past_due", "unpaid"].includes(s.status)) ?? byNewest[0];
  if (current) await applyStripeSubscription(db, stripe, organizationId, current);
}

async function applyStripeSubscription(
  db: Knex,
  stripe: StripeBilling,
  organizationId: string,
  subscription: Stripe.Subscription,
): Promise<void> {
  const item = subscription.items.data[0];
  const sold = item ? planOfPrice(stripe, item.price.id) : undefined;
  const status = statusOf(subscription.status);
  const date = (seconds: number | null | undefined) => (seconds ? new Date(seconds * 1000) : null);
  const state: SubscriptionState = {
    stripe_subscription_id: subscription.id,
    status,
    interval: sold?.interval ?? null,
    current_period_start: date(item?.current_period_start),
    current_period_end: date(item?.current_period_end),
    cancel_at_period_end: subscription.cancel_at_period_end,
    trial_end: status === "trialing" ? date(subscription.trial_end) : null,
  };
  // past_due keeps the paid plan: planOf drops to free once the grace period is over.
  const grants = sold && RUNNING.includes(status) ? sold.plan : "free";
  await applySubscriptionState(db, organizationId, state, grants);
}

/** Stripe's statuses in the contract's words: unpaid is still past due, an expired or paused one is not running. */
function statusOf(status: Stripe.Subscription.Status): BillingAccountRow["status"] {
  const known = ["active", "trialing", "past_due", "canceled", "incomplete"] as const;
  const same = known.find((k) => k === status);
  if (same) return same;
  if (status === "unpaid") return "past_due";
  if (status === "incomplete_expired") return "canceled";
  return "incomplete";
}
