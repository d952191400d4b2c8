import { callStripe, type StripeBilling } from "./stripe.js";

const TTL_MS = 10 * 60 * 1000;
const caches = new WeakMap<StripeBilling, Map<string, { days: number | null; until: number }>>();

/**
 * The trial length of a Stripe price (its recurring `trial_period_days`): trials are configured in Stripe,
 * never in our code. Cached for ten minutes per price, as prices rarely change.
 */
export async function trialDaysOf(stripe: StripeBilling, priceId: string): Promise<number | null> {
  const cache = caches.get(stripe) ?? new Map();
  caches.set(stripe, cache);
  const hit = cache.get(priceId);
  if (hit && hit.until > Date.now()) return hit.days;
  const price = await callStripe(() => stripe.client.prices.retrieve(priceId));
  const days = price.recurring?.trial_period_days ?? null;
  cache.set(priceId, { days, until: Date.now() + TTL_MS });
  return days;
}
