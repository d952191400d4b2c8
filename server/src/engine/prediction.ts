import { type ChurnResult, type ChurnThresholds, predictChurn } from "./churn.js";
import { type ClvResult, predictLifetimeValue } from "./clv.js";
import { buildTimelines, type Transaction } from "./customer-timeline.js";
import type { ExtraFields } from "./extra-fields.js";
import { type Exposure, estimateCampaignUplift, type UpliftResult } from "./uplift.js";

const DAYS_PER_MONTH = 30.4375;

export interface PredictionInput {
  /** Every transaction line up to the reference date, returns included. */
  transactions: Transaction[];
  /** Each customer's extra fields, by customer id. */
  extras: [customerId: string, extra: ExtraFields][];
  /** Every campaign exposure up to the reference date (those whose window is still open are counted, not used). */
  exposures: Exposure[];
  referenceDate: Date;
  churnHorizonDays: number;
  churnThresholds: ChurnThresholds;
  clvHorizonMonths: number;
  /** Days after an exposure a purchase counts as the campaign's outcome. */
  campaignWindowDays: number;
  seed: number;
}

export interface Prediction {
  churn: ChurnResult;
  clv: ClvResult;
  uplift: UpliftResult;
}

/**
 * The predictive models on the customers' timelines, every feature point in time: churn from the candidate with the
 * best backtest AUC (churn.ts), CLV from the candidate with the best backtest Spearman, BG/NBD only when identified
 * (clv.ts), and uplift from the randomized exposures with every covariate (uplift.ts), or the reason there is none.
 * The same transactions in any order give the same results (timelines are built in a canonical order).
 */
export function predictCustomers(input: PredictionInput): Prediction {
  const { referenceDate, seed } = input;
  const timelines = buildTimelines(input.transactions, new Map(input.extras));
  const churn = predictChurn(timelines, {
    referenceDate,
    horizonDays: input.churnHorizonDays,
    thresholds: input.churnThresholds,
    seed,
  });
  const clv = predictLifetimeValue(timelines, {
    referenceDate,
    horizonDays: input.clvHorizonMonths * DAYS_PER_MONTH,
    seed,
  });
  const uplift = estimateCampaignUplift(input.exposures, timelines, {
    referenceDate,
    windowDays: input.campaignWindowDays,
    seed,
  });
  return { churn, clv, uplift };
}
