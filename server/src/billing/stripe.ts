import Stripe from "stripe";
import type { StripeConfig } from "../config.js";
import { DependencyUnavailableError } from "../dependency-unavailable.js";
import { DomainError } from "../domain/errors.js";
import { type Interval, type PaidPlanId, STRIPE_PRICES, stripePriceVariable } from "./plans.js";

export type { Interval } from "./plans.js";

/** The organization's Stripe account as billing needs it: the client, the webhook secret and the price ids. */
export interface StripeBilling {
  client: Stripe;
  config: StripeConfig;
}

/**
 * The official client, pointed at STRIPE_API_BASE when set (tests run a local Stripe). It retries connection
 * errors and 429s itself (with an Idempotency-Key on every retried POST), twice.
 */
export function createStripeBilling(config: StripeConfig | undefined): StripeBilling | undefined {
  if (!config) return undefined;
  const base = config.apiBase ? new URL(config.apiBase) : undefined;
  const client = new Stripe(config.secretKey, {
    maxNetworkRetries: 2,
    telemetry: false,
    timeout: 20_000,
    ...(base && {
      host: base.hostname,
      port: Number(base.port || (base.protocol === "https:" ? 443 : 80)),
      protocol: base.protocol === "https:" ? "https" : "http",
    }),
  });
  return { client, config };
}

/** The variables to set for paid plans, named in the 503 of an unconfigured server. */
const REQUIRED_VARIABLES = [
  "STRIPE_SECRET_KEY",
  "STRIPE_WEBHOOK_SECRET",
  ...STRIPE_PRICES.map((price) => price.variable),
];

/** 503 `billing_not_configured` unless Stripe is configured (the free plan and usage work without it). */
export function requireStripe(stripe: StripeBilling | undefined): StripeBilling {
  if (!stripe) throw notConfigured(REQUIRED_VARIABLES);
  return stripe;
}

export const notConfigured = (variables: string[]) =>
  new DomainError("not_configured", "billing_not_configured", "billing_not_configured", {
    variables: variables.join(", "),
  });

/** The configured price of a paid plan and interval, or 503 naming the variable to set. */
export function priceOf(stripe: StripeBilling, plan: PaidPlanId, interval: Interval): string {
  const price = stripe.config.prices[plan][interval];
  if (!price) {
    throw new DomainError("not_configured", "billing_not_configured", "billing_price_missing", {
      plan,
      interval,
      variable: stripePriceVariable(plan, interval),
    });
  }
  return price;
}

/** Which plan and interval a Stripe price id is, by the configuration; undefined for a price we do not sell. */
export function planOfPrice(
  stripe: StripeBilling,
  priceId: string,
): { plan: PaidPlanId; interval: Interval } | undefined {
  for (const [plan, intervals] of Object.entries(stripe.config.prices) as [
    PaidPlanId,
    Record<Interval, string>,
  ][]) {
    for (const [interval, id] of Object.entries(intervals) as [Interval, string | undefined][]) {
      if (id === priceId) return { plan, interval };
    }
  }
  return undefined;
}

/**
 * Runs a Stripe call, turning Stripe's failures into ours: unreachable, rate limited after the retries, or
 * failing on Stripe's side is 503 `dependency_unavailable`; a refused request is 503 `stripe_error` with
 * Stripe's own message (it is our configuration or Stripe's state that is wrong, not the caller's input).
 */
export async function callStripe<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (
      error instanceof Stripe.errors.StripeConnectionError ||
      error instanceof Stripe.errors.StripeAPIError ||
      error instanceof Stripe.errors.StripeRateLimitError
    ) {
      throw new DependencyUnavailableError("stripe", error);
    }
    if (error instanceof Stripe.errors.StripeError) {
      throw new DomainError("unavailable", "stripe_error", "stripe_refused", {
        reason: `${error.rawType ?? error.type}: ${error.message.replace(/\.$/, "")}`,
      });
    }
    throw error;
  }
}

export { Stripe };
