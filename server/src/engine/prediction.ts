import { type ChurnRisk, type ChurnThresholds, churnScoreOf, fitChurn } from "./churn.js";
import { fitLifetimeValue, lifetimeValueOf } from "./clv.js";
import { buildTimelines, type Transaction } from "./customer-timeline.js";
import type { ExtraFields } from "./extra-fields.js";
import { sampledCustomersWarning } from "./model-report.js";
import { type Exposure, fitCampaignUplift, upliftOf } from "./uplift.js";

const DAYS_PER_MONTH = 30.4375;

export interface PredictionFitInput {
  /** Every transaction line up to the reference date of the customers the models learn from, returns included. */
  transactions: Transaction[];
  /** Those customers' extra fields, by customer id. */
  extras: [customerId: string, extra: ExtraFields][];
  /** Their campaign exposures up to the reference date (those whose window is still open are counted, not used). */
  exposures: Exposure[];
  referenceDate: Date;
  /** The project's first purchase when the customers are a sample of it (CLV's backtest length depends on it). */
  historyStart?: Date;
  /** The project's customers when the customers given are a seeded sample of them (the reports say so). */
  population?: number;
  churnHorizonDays: number;
  churnThresholds: ChurnThresholds;
  clvHorizonMonths: number;
  /** Days after an exposure a purchase counts as the campaign's outcome. */
  campaignWindowDays: number;
  seed: number;
}

/** The fitted models with their reports (what the overview shows) and the plain-data scorers. */
export interface PredictionFit {
  churn: ReturnType<typeof fitChurn>;
  clv: ReturnType<typeof fitLifetimeValue>;
  uplift: ReturnType<typeof fitCampaignUplift>;
}

/**
 * The predictive models on the customers' timelines, every feature point in time: churn from the candidate with the
 * best backtest AUC (churn.ts), CLV from the candidate with the best backtest Spearman, BG/NBD only when identified
 * (clv.ts), and uplift from the randomized exposures with every covariate (uplift.ts), or the reason there is none.
 * Fitted on the customers given (a project's, or a seeded sample of them); scorePredictions then scores any batch
 * of customers with them. The same transactions in any order give the same results (timelines are canonical).
 */
export function fitPredictions(input: PredictionFitInput): PredictionFit {
  const { referenceDate, seed } = input;
  const timelines = buildTimelines(input.transactions, new Map(input.extras));
  const churn = fitChurn(timelines, {
    referenceDate,
    horizonDays: input.churnHorizonDays,
    thresholds: input.churnThresholds,
    population: input.population,
    seed,
  });
  const clv = fitLifetimeValue(timelines, {
    referenceDate,
    horizonDays: input.clvHorizonMonths * DAYS_PER_MONTH,
    historyStart: input.historyStart,
    population: input.population,
    seed,
  });
  const uplift = fitCampaignUplift(input.exposures, timelines, {
    referenceDate,
    windowDays: input.campaignWindowDays,
    seed,
  });
  if (input.population !== undefined && input.population > timelines.length)
    uplift.warnings.push(
      sampledCustomersWarning(timelines.length, input.population, {
        name: "Qini",
        standardError: uplift.status === "estimated" ? uplift.holdout.randomQini.sd : null,
      }),
    );
  return { churn, clv, uplift };
}

export interface PredictionScoreInput {
  /** The fitted models (their scorers are what is read). */
  models: {
    churn: Pick<PredictionFit["churn"], "scorer">;
    clv: Pick<PredictionFit["clv"], "scorer">;
    uplift: PredictionFit["uplift"];
  };
  /** A batch of customers: every transaction line of theirs up to the reference date, and their extra fields. */
  transactions: Transaction[];
  extras: [customerId: string, extra: ExtraFields][];
  referenceDate: Date;
  churnThresholds: ChurnThresholds;
}

/** Each customer's scores, as columns (compact across threads); null where a model does not score them. */
export interface PredictionScores {
  customerIds: string[];
  churnScores: (number | null)[];
  churnRisks: (ChurnRisk | null)[];
  lifetimeValues: (number | null)[];
  upliftScores: (number | null)[];
}

/**
 * Scores a batch of customers with fitted models: churn and CLV for those who had bought by the reference date,
 * uplift for everyone when it was estimated. Each customer's scores depend on their own timeline only.
 */
export function scorePredictions(input: PredictionScoreInput): PredictionScores {
  const { churn, clv, uplift } = input.models;
  const reference = input.referenceDate.getTime();
  const timelines = buildTimelines(input.transactions, new Map(input.extras));
  const out: PredictionScores = {
    customerIds: [],
    churnScores: [],
    churnRisks: [],
    lifetimeValues: [],
    upliftScores: [],
  };
  for (const timeline of timelines) {
    const churnScore = churnScoreOf(churn.scorer, timeline, reference, input.churnThresholds);
    out.customerIds.push(timeline.customerId);
    out.churnScores.push(churnScore?.churnScore ?? null);
    out.churnRisks.push(churnScore?.churnRisk ?? null);
    out.lifetimeValues.push(clv.scorer ? lifetimeValueOf(clv.scorer, timeline, reference) : null);
    out.upliftScores.push(
      uplift.status === "estimated" ? upliftOf(uplift.scorer, timeline, reference) : null,
    );
  }
  return out;
}
