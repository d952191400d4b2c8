import { isDegenerateFit } from "./bgnbd.js";
import { type ChurnResult, type ChurnThresholds, scoreChurn } from "./churn.js";
import type { CustomerBehaviour } from "./customer.js";
import { type PurchaseRecord, summarizeHistory } from "./customer-history.js";
import { customerLifetimeValue, fitGammaGamma } from "./gamma-gamma.js";
import { type ExposureGroup, estimateUplift, type UpliftResult } from "./uplift.js";

const DAYS_PER_MONTH = 30.4375;
/** Gamma-Gamma needs repeat buyers to learn spend per order from. */
const MIN_REPEAT_BUYERS_FOR_CLV = 20;

/** One exposure to a campaign with the customer's RFM as of that exposure and whether they bought after it. */
export interface ExposureOutcome {
  customerId: string;
  group: ExposureGroup;
  outcome: 0 | 1;
  recencyDays: number;
  frequency: number;
  monetary: number;
}

export interface PredictionInput {
  history: PurchaseRecord[];
  customers: CustomerBehaviour[];
  exposures: ExposureOutcome[];
  referenceDate: Date;
  churnHorizonDays: number;
  churnThresholds: ChurnThresholds;
  clvHorizonMonths: number;
  seed: number;
}

export interface Prediction {
  churn: ChurnResult;
  clv: { values: Map<string, number> | null; reason: string | null };
  uplift: UpliftResult;
}

/** What the uplift model knows of a customer: log recency, log frequency, log net spend. */
const upliftFeatures = (recencyDays: number, frequency: number, monetary: number) => [
  Math.log1p(Math.max(0, recencyDays)),
  Math.log1p(Math.max(0, frequency)),
  Math.log1p(Math.max(0, monetary)),
];

/**
 * The predictive models: churn (BG/NBD, or the fallback the backtest picks) as P(no purchase in the horizon);
 * CLV over the horizon (BG/NBD x Gamma-Gamma); uplift from campaign exposures (T-learner), or the reason there
 * is none.
 */
export function predictCustomers(input: PredictionInput): Prediction {
  const { history, referenceDate, seed } = input;
  const churn = scoreChurn(history, {
    referenceDate,
    horizonDays: input.churnHorizonDays,
    thresholds: input.churnThresholds,
    seed,
  });
  const clv = lifetimeValues(history, referenceDate, churn.bgnbdFit, input.clvHorizonMonths);
  const uplift = estimateUplift(
    input.exposures.map((o) => ({
      customerId: o.customerId,
      group: o.group,
      outcome: o.outcome,
      features: upliftFeatures(o.recencyDays, o.frequency, o.monetary),
    })),
    input.customers.map((c) => ({
      customerId: c.id,
      features: upliftFeatures(c.recencyDays, c.frequency, c.monetary),
    })),
    { seed },
  );
  return { churn, clv, uplift };
}

/** CLV per customer over the horizon, or why there is none (BG/NBD unusable, too few repeat buyers). */
function lifetimeValues(
  history: PurchaseRecord[],
  referenceDate: Date,
  bgnbdFit: ChurnResult["bgnbdFit"],
  horizonMonths: number,
): Prediction["clv"] {
  if (!bgnbdFit) return { values: null, reason: "No purchase-rate model could be fitted to this history." };
  const summaries = summarizeHistory(history, { calibrationEnd: referenceDate, unit: "days" });
  const degenerate = isDegenerateFit(bgnbdFit, [...summaries.values()]);
  if (degenerate.degenerate)
    return { values: null, reason: `The purchase-rate model is unreliable here: ${degenerate.reason}` };
  const repeat = [...summaries.values()].filter((s) => s.x > 0 && s.zbar > 0);
  if (repeat.length < MIN_REPEAT_BUYERS_FOR_CLV) {
    return {
      values: null,
      reason: `Only ${repeat.length} customers bought more than once; spend per order cannot be learned yet.`,
    };
  }
  const gammaGamma = fitGammaGamma(repeat.map((s) => ({ x: s.x, zbar: s.zbar })));
  const horizon = horizonMonths * DAYS_PER_MONTH;
  const values = new Map<string, number>();
  for (const [customerId, summary] of summaries) {
    const value = customerLifetimeValue(bgnbdFit, gammaGamma, summary, { horizon });
    values.set(customerId, Number.isFinite(value) ? Math.round(value * 100) / 100 : 0);
  }
  return { values, reason: null };
}
