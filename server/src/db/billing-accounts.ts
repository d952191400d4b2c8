import type { Knex } from "knex";

/** The billing_accounts table: an organization's Stripe customer, subscription state and billing details. */
export interface BillingAccountRow {
  organization_id: string;
  stripe_customer_id: string | null;
  stripe_subscription_id: string | null;
  status: "active" | "trialing" | "past_due" | "canceled" | "incomplete" | "none";
  interval: "month" | "year" | null;
  current_period_start: Date | null;
  current_period_end: Date | null;
  cancel_at_period_end: boolean;
  trial_end: Date | null;
  past_due_since: Date | null;
  details: Record<string, unknown> | null;
  updated_at: Date;
}

export type SubscriptionState = Pick<
  BillingAccountRow,
  | "stripe_subscription_id"
  | "status"
  | "interval"
  | "current_period_start"
  | "current_period_end"
  | "cancel_at_period_end"
  | "trial_end"
>;

export function findBillingAccount(db: Knex, organizationId: string): Promise<BillingAccountRow | undefined> {
  return db("billing_accounts").where({ organization_id: organizationId }).first();
}

export function findBillingAccountByCustomer(
  db: Knex,
  stripeCustomerId: string,
): Promise<BillingAccountRow | undefined> {
  return db("billing_accounts").where({ stripe_customer_id: stripeCustomerId }).first();
}

/** Creates the organization's account row if it has none; returns the row either way. */
export async function ensureBillingAccount(db: Knex, organizationId: string): Promise<BillingAccountRow> {
  await db("billing_accounts")
    .insert({ organization_id: organizationId })
    .onConflict("organization_id")
    .ignore();
  const row = await findBillingAccount(db, organizationId);
  if (!row) throw new Error(`billing account of ${organizationId} vanished after creation`);
  return row;
}

/** Records the Stripe customer unless another request already did; returns the one that won. */
export async function setStripeCustomer(
  db: Knex,
  organizationId: string,
  stripeCustomerId: string,
): Promise<string> {
  await db("billing_accounts")
    .where({ organization_id: organizationId })
    .whereNull("stripe_customer_id")
    .update({ stripe_customer_id: stripeCustomerId, updated_at: db.fn.now() });
  const row = await findBillingAccount(db, organizationId);
  return row?.stripe_customer_id ?? stripeCustomerId;
}

export async function saveBillingDetails(
  db: Knex,
  organizationId: string,
  details: Record<string, unknown>,
): Promise<void> {
  await db("billing_accounts")
    .where({ organization_id: organizationId })
    .update({ details: JSON.stringify(details), updated_at: db.fn.now() });
}

/**
 * Applies a subscription state and the plan it grants, in one transaction, so the organization's plan and its
 * subscription never disagree. `past_due_since` starts when the subscription first turns past_due.
 */
export async function applySubscriptionState(
  db: Knex,
  organizationId: string,
  state: SubscriptionState,
  plan: string,
): Promise<void> {
  await db.transaction(async (trx) => {
    const current = await trx("billing_accounts")
      .where({ organization_id: organizationId })
      .forUpdate()
      .first();
    const pastDueSince = state.status === "past_due" ? (current?.past_due_since ?? new Date()) : null;
    await trx("billing_accounts")
      .where({ organization_id: organizationId })
      .update({ ...state, past_due_since: pastDueSince, updated_at: trx.fn.now() });
    await trx("organization").where({ id: organizationId }).update({ plan });
  });
}

/** Records a webhook event id; false when it was already recorded (a redelivery). */
export async function recordStripeEvent(db: Knex, id: string, type: string): Promise<boolean> {
  const inserted = await db("stripe_events").insert({ id, type }).onConflict("id").ignore().returning("id");
  return inserted.length > 0;
}

/** Forgets an event whose processing failed, so Stripe's retry is processed rather than skipped. */
export async function forgetStripeEvent(db: Knex, id: string): Promise<void> {
  await db("stripe_events").where({ id }).delete();
}
