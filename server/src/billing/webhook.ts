import type { Logger } from "pino";
import {
  ensureBillingAccount,
  findBillingAccountByCustomer,
  forgetStripeEvent,
  recordStripeEvent,
  setStripeCustomer,
} from "../db/billing-accounts.js";
import { findOrganizationPlan } from "../db/organizations.js";
import { DomainError } from "../domain/errors.js";
import { notConfigured, requireStripe, Stripe } from "./stripe.js";
import { type BillingDeps, syncCustomer } from "./subscription.js";

/** How old a signed event may be: Stripe's own default tolerance (5 minutes), against replays. */
const TOLERANCE_SECONDS = 300;

/** The events that can change a subscription; each one is answered by reading the subscription from Stripe. */
const SUBSCRIPTION_EVENTS = new Set([
  "checkout.session.completed",
  "customer.subscription.created",
  "customer.subscription.updated",
  "customer.subscription.deleted",
  "customer.subscription.paused",
  "customer.subscription.resumed",
  "customer.subscription.trial_will_end",
  "invoice.paid",
  "invoice.payment_failed",
  "invoice.payment_succeeded",
]);

/**
 * `POST /api/stripe/webhook`: the signature is checked on the raw bytes (400 when it does not verify); every
 * event id is recorded first, so a redelivery changes nothing; and the subscription is re-read from Stripe
 * rather than taken from the event, so events may arrive in any order. A failure forgets the event id, so
 * Stripe's retry is processed.
 */
export async function receiveStripeEvent(
  deps: BillingDeps & { log: Logger },
  rawBody: Buffer | undefined,
  signature: string,
): Promise<void> {
  const stripe = requireStripe(deps.stripe);
  const secret = stripe.config.webhookSecret;
  if (!secret) throw notConfigured(["STRIPE_WEBHOOK_SECRET"]);
  let event: Stripe.Event;
  try {
    event = stripe.client.webhooks.constructEvent(rawBody ?? "", signature, secret, TOLERANCE_SECONDS);
  } catch (error) {
    if (!(error instanceof Stripe.errors.StripeSignatureVerificationError)) throw error;
    throw new DomainError("invalid", "stripe_signature_invalid", "stripe_signature_invalid", {
      reason: error.message,
    });
  }
  if (!(await recordStripeEvent(deps.db, event.id, event.type))) {
    deps.log.info({ stripeEvent: event.id, type: event.type }, "stripe event already processed");
    return;
  }
  try {
    if (SUBSCRIPTION_EVENTS.has(event.type)) await applyEvent(deps, stripe, event);
  } catch (error) {
    await forgetStripeEvent(deps.db, event.id);
    throw error;
  }
}

async function applyEvent(
  deps: BillingDeps & { log: Logger },
  stripe: NonNullable<BillingDeps["stripe"]>,
  event: Stripe.Event,
): Promise<void> {
  const object = event.data.object as {
    customer?: string | { id: string } | null;
    client_reference_id?: string;
  };
  const customerId = typeof object.customer === "string" ? object.customer : object.customer?.id;
  if (!customerId) return;
  let organizationId = (await findBillingAccountByCustomer(deps.db, customerId))?.organization_id;
  // A checkout completed for an organization names it; link the customer if this server has not yet.
  const named = object.client_reference_id;
  if (!organizationId && named && (await findOrganizationPlan(deps.db, named)) !== undefined) {
    await ensureBillingAccount(deps.db, named);
    if ((await setStripeCustomer(deps.db, named, customerId)) === customerId) organizationId = named;
  }
  if (!organizationId) {
    deps.log.warn(
      { stripeEvent: event.id, type: event.type },
      "stripe event for a customer of no organization",
    );
    return;
  }
  await syncCustomer(deps.db, stripe, organizationId, customerId);
  deps.log.info({ stripeEvent: event.id, type: event.type, organizationId }, "stripe event applied");
}
