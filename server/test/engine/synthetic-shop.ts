/** Synthetic shops drawn from the BG/NBD story, for the churn tests (seeded, so every run draws the same shop). */
import type { PurchaseRecord } from "../../src/engine/customer-history.js";
import { seededRandom } from "../../src/engine/random.js";

const DAY_MS = 86_400_000;

export interface ShopSpec {
  customers: number;
  /** First day of the shop's history and the reference date (the last day with data). */
  start: Date;
  end: Date;
  /** First purchases fall uniformly in the first `acquisitionDays` days. */
  acquisitionDays: number;
  /** Purchase rate per day λ ~ Gamma(shape r, rate alpha). */
  r: number;
  alpha: number;
  /** Dropout probability after each repeat purchase p ~ Beta(a, b); a = 0 means nobody ever drops out. */
  a: number;
  b: number;
  seed: number;
}

/** Draws a shop: each customer buys as a Poisson process until they drop out (BG/NBD), amounts log-normal. */
export function syntheticShop(spec: ShopSpec): PurchaseRecord[] {
  const random = seededRandom(spec.seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const gamma = (shape: number): number => {
    if (shape < 1) return gamma(shape + 1) * (1 - random()) ** (1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      const z = normal();
      const v = (1 + c * z) ** 3;
      if (v > 0 && Math.log(1 - random()) < 0.5 * z * z + d - d * v + d * Math.log(v)) return d * v;
    }
  };
  const startDay = spec.start.getTime() / DAY_MS;
  const endDay = spec.end.getTime() / DAY_MS;
  const out: PurchaseRecord[] = [];
  for (let c = 0; c < spec.customers; c++) {
    const customerId = `c${c}`;
    const rate = gamma(spec.r) / spec.alpha;
    const dropout = spec.a === 0 ? 0 : gamma(spec.a) / (gamma(spec.a) + gamma(spec.b));
    let day = startDay + random() * spec.acquisitionDays;
    for (let purchases = 0; day < endDay + 1; purchases++) {
      out.push({
        customerId,
        at: new Date(day * DAY_MS),
        amount: Math.round(Math.exp(3 + 0.5 * normal()) * 100) / 100,
      });
      // As in BG/NBD, a customer can drop out after a repeat purchase, never right after the first one.
      if (purchases > 0 && random() < dropout) break;
      day += -Math.log(1 - random()) / rate;
    }
  }
  return out;
}

/**
 * Two months of 300 customers drawn with a = 2, b = 10: BG/NBD fitted on them ends at ordinary-looking values,
 * converged, yet its likelihood is flat in a over decades (the profile-likelihood check's example).
 */
export const UNIDENTIFIED_SHOP: ShopSpec = {
  customers: 300,
  start: new Date("2024-01-01T00:00:00Z"),
  end: new Date("2024-03-01T00:00:00Z"),
  acquisitionDays: 48,
  r: 1,
  alpha: 30,
  a: 2,
  b: 10,
  seed: 1,
};
