import { seededRandom } from "../engine/random.js";

export interface SyntheticShopOptions {
  customers: number;
  seed?: number;
  /** Last day of the history (UTC); the first is `days` before it. */
  end?: Date;
  days?: number;
  /** Mean orders per customer over the whole history (about; churned customers buy less). */
  meanOrders?: number;
  /** Mean chance that a customer leaves after a purchase (beta-distributed across customers). */
  meanDropout?: number;
  /** Share of orders that come back (as a second, negative record). */
  returnRate?: number;
  /** A campaign `campaignDaysBeforeEnd` before the end, exposing `campaignReach` of customers, with a holdout. */
  campaign?: { id: string; daysBeforeEnd: number; reach: number; controlShare: number } | null;
}

type ShopRecord = Record<string, string | number>;

const DAY = 86_400_000;
const COUNTRIES = ["TR", "DE", "NL", "FR", "GB"];

/**
 * A seeded synthetic shop with realistic purchase rhythms, as ingest records: every customer arrives at some
 * point, buys at their own rate (gamma-distributed across customers) until they drop out (a per-purchase
 * dropout chance), spends around their own typical basket, and sometimes returns an order. One campaign
 * exposes part of the customers, holding out a control group; treated customers who already buy often answer
 * it more (a feature-dependent effect the uplift model can find). Same seed, same shop.
 */
export function syntheticShop(options: SyntheticShopOptions): ShopRecord[] {
  return [...syntheticShopRecords(options)];
}

/** The same shop, one record at a time (for shops too big to hold as an array). */
export function* syntheticShopRecords(options: SyntheticShopOptions): Generator<ShopRecord> {
  const random = seededRandom(options.seed ?? 42);
  const end = options.end ?? new Date(Date.UTC(2026, 10, 1));
  const days = options.days ?? 730;
  const start = end.getTime() - days * DAY;
  const meanOrders = options.meanOrders ?? 10;
  const returnRate = options.returnRate ?? 0.04;
  const meanDropout = options.meanDropout ?? 0.18;
  const dropoutSpread = (1.2 * (1 - meanDropout)) / meanDropout;
  const campaign =
    options.campaign === undefined
      ? { id: "autumn-2026", daysBeforeEnd: 60, reach: 0.5, controlShare: 0.2 }
      : options.campaign;
  const campaignAt = campaign ? end.getTime() - campaign.daysBeforeEnd * DAY : 0;

  const gamma = (shape: number, scale: number) => {
    // Marsaglia-Tsang for shape >= 1; boosted for shape < 1.
    const boost = shape < 1 ? random() ** (1 / shape) : 1;
    const d = (shape < 1 ? shape + 1 : shape) - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x = 0;
      let v = 0;
      do {
        const u1 = random() || 1e-12;
        const u2 = random();
        x = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
        v = 1 + c * x;
      } while (v <= 0);
      v = v ** 3;
      if (Math.log(random() || 1e-12) < 0.5 * x * x + d - d * v + d * Math.log(v))
        return d * v * scale * boost;
    }
  };
  const isoDate = (ms: number) => new Date(Math.min(ms, end.getTime())).toISOString();

  let orderNumber = 0;
  for (let i = 0; i < options.customers; i++) {
    const customerId = `C-${String(i + 1).padStart(6, "0")}`;
    const arrival = start + random() * (days - 14) * DAY;
    const rate = gamma(1.5, meanOrders / 1.5 / days); // purchases per day while active
    // Chance to leave after each purchase: Beta(1.2, spread), mean `meanDropout`.
    const keen = gamma(1.2, 1);
    const dropout = keen / (keen + gamma(dropoutSpread, 1));
    const basket = gamma(3, 20); // typical order value
    const country = COUNTRIES[Math.floor(random() * COUNTRIES.length)]!;
    const orders: number[] = [];
    let at = arrival;
    for (;;) {
      orders.push(at);
      if (random() < dropout) break;
      at += (-Math.log(random() || 1e-12) / Math.max(rate, 1e-4)) * DAY;
      if (at > end.getTime()) break;
    }
    if (campaign && random() < campaign.reach && arrival < campaignAt) {
      const group = random() < campaign.controlShare ? "control" : "treatment";
      yield {
        customer_id: customerId,
        type: "campaign_exposure",
        campaign_id: campaign.id,
        group,
        exposed_at: isoDate(campaignAt),
      };
      const recentOrders = orders.filter((o) => o < campaignAt && o > campaignAt - 180 * DAY).length;
      const effect = Math.min(0.6, 0.05 + 0.1 * recentOrders);
      if (group === "treatment" && random() < effect) orders.push(campaignAt + random() * 25 * DAY);
    }
    for (const orderAt of orders.sort((a, b) => a - b)) {
      orderNumber += 1;
      const amount = Math.round(gamma(4, basket / 4) * 100) / 100 || 1;
      const order = {
        customer_id: customerId,
        order_date: isoDate(orderAt),
        amount,
        order_id: `O-${orderNumber}`,
        country,
      };
      yield order;
      if (random() < returnRate) {
        yield {
          ...order,
          order_date: isoDate(orderAt + (2 + random() * 10) * DAY),
          amount: -amount,
          status: "returned",
        };
      }
    }
  }
}
