/**
 * The churn model the pipeline runs: churn_score = P(no purchase in the next horizon | history), from BG/NBD when
 * its fit is sound, else from a logistic model trained on a time split, chosen by a backtest. Everything is in days.
 *
 * Backtest: cutoff = referenceDate − horizon; label = no purchase in (cutoff, referenceDate] for every customer who
 * had bought by the cutoff. BG/NBD is fitted on the history up to the cutoff (it never sees the labels) and scores
 * those customers; the logistic model's AUC comes from 5-fold cross-validation over the same customers (features at
 * the cutoff, out-of-fold predictions), so both AUCs are measured on customers whose labels the scorer did not see.
 *
 * Choice, first match wins:
 *   1. BG/NBD, if neither its backtest fit nor its fit on the full history is degenerate (see isDegenerateFit) and
 *      the logistic AUC is not more than LOGISTIC_MARGIN (0.02) above the BG/NBD AUC: BG/NBD is preferred because
 *      it is explainable and needs no label window;
 *   2. the logistic model, if it has a backtest AUC;
 *   3. BG/NBD without a backtest (too little data for one), if its full-history fit is not degenerate;
 *   4. the recency rule, recency / (recency + the customer's own average gap): transparent, needs no fit.
 * The chosen model is then refitted on the full history up to the reference date and scores every customer who
 * bought by then (purchases after the reference date are ignored). To stay fast on large shops, each fit uses a
 * seeded sample of at most `maxFitCustomers` customers (20,000); scoring always covers everyone.
 */
import { rocAuc } from "./auc.js";
import {
  type BgnbdCustomer,
  type BgnbdFit,
  type DegenerateCheck,
  fitBgnbd,
  isDegenerateFit,
  probabilityNoPurchase,
} from "./bgnbd.js";
import {
  type PurchaseDays,
  type PurchaseRecord,
  purchaseDaysByCustomer,
  summarizeDays,
  utcDay,
} from "./customer-history.js";
import { fitLogistic, type LogisticModel, predictLogistic } from "./logistic.js";
import { sampleIndices, seededRandom } from "./random.js";

export type ChurnRisk = "low" | "medium" | "high";
export type ChurnModelName = "bgnbd" | "logistic" | "recency_rule";

export interface ChurnThresholds {
  /** Scores at or above this are medium risk. */
  medium: number;
  /** Scores at or above this are high risk. */
  high: number;
}

export interface ChurnOptions {
  referenceDate: Date;
  horizonDays: number;
  thresholds: ChurnThresholds;
  seed: number;
  /** Fits use a seeded sample of at most this many customers (default 20,000); every customer is scored. */
  maxFitCustomers?: number;
}

export interface ChurnScore {
  churnScore: number;
  churnRisk: ChurnRisk;
}

export interface ChurnResult {
  model: ChurnModelName;
  /** Backtest AUC of the model that ran; null when there was no backtest or the recency rule ran. */
  auc: number | null;
  backtest: { bgnbd: number | null; logistic: number | null };
  /** Why this model ran, in words (recorded with the run). */
  reason: string;
  /** The BG/NBD fit on the full history (time unit: days), whichever model ran; CLV reuses it. */
  bgnbdFit: BgnbdFit | null;
  scores: Map<string, ChurnScore>;
}

/** The logistic model must beat BG/NBD's backtest AUC by more than this to replace it. */
export const LOGISTIC_MARGIN = 0.02;
/** Fewer customers than this at the cutoff: no backtest. */
export const MIN_BACKTEST_CUSTOMERS = 20;
const FOLDS = 5;
const DEFAULT_MAX_FIT_CUSTOMERS = 20_000;

/** low below `medium`, medium from `medium` (inclusive) to `high` (exclusive), high from `high` (inclusive). */
export function churnRiskOf(score: number, thresholds: ChurnThresholds): ChurnRisk {
  if (score >= thresholds.high) return "high";
  if (score >= thresholds.medium) return "medium";
  return "low";
}

/**
 * The logistic fallback's features for one customer as of `day` (purchases after it ignored), or null if the
 * customer had not bought yet: days since the last purchase, distinct purchase days, days since the first purchase,
 * log1p(total spend, floored at 0), the average gap between purchase days in days (one-time buyers: their tenure,
 * the shortest gap consistent with no second purchase yet), and purchase days in the last horizon window.
 * Computed the same way at the cutoff (training) and at the reference date (scoring).
 */
export function churnFeatures(history: PurchaseDays, day: number, horizonDays: number): number[] | null {
  const { days, amounts } = history;
  const first = days[0];
  if (first === undefined || first > day) return null;
  let count = 0;
  let spend = 0;
  let recent = 0;
  while (count < days.length && days[count]! <= day) {
    spend += amounts[count]!;
    if (days[count]! > day - horizonDays) recent++;
    count++;
  }
  const last = days[count - 1]!;
  const tenure = day - first;
  const gap = count > 1 ? (last - first) / (count - 1) : tenure;
  return [day - last, count, tenure, Math.log1p(Math.max(0, spend)), gap, recent];
}

/** Scores every customer's churn risk as of the reference date; see the module comment for the method. */
export function scoreChurn(history: readonly PurchaseRecord[], options: ChurnOptions): ChurnResult {
  const { horizonDays, thresholds } = options;
  if (!(horizonDays > 0)) throw new RangeError(`horizonDays must be positive (got ${horizonDays})`);
  if (!(thresholds.medium <= thresholds.high))
    throw new RangeError(
      `thresholds.medium must not exceed thresholds.high (got ${thresholds.medium} > ${thresholds.high})`,
    );
  const maxFit = options.maxFitCustomers ?? DEFAULT_MAX_FIT_CUSTOMERS;
  const random = seededRandom(options.seed);
  const byCustomer = purchaseDaysByCustomer(history, options.referenceDate);
  const ids = [...byCustomer.keys()];
  const histories = [...byCustomer.values()];
  const referenceDay = utcDay(options.referenceDate);

  const test = backtest(histories, referenceDay - horizonDays, horizonDays, maxFit, random);
  const summaries: BgnbdCustomer[] = histories.map((h) => summarizeDays(h, referenceDay, 1)!);
  const final = histories.length > 0 ? fitOnSample(summaries, maxFit, random) : null;
  const finalCheck: DegenerateCheck = final
    ? isDegenerateFit(final.fit, final.sample, { horizon: horizonDays })
    : { degenerate: true, reason: "there are no customers" };
  const choice = chooseModel(test, finalCheck);

  let score: (i: number) => number;
  if (choice.model === "bgnbd") {
    const fit = final!.fit;
    score = (i) => probabilityNoPurchase(fit, horizonDays, summaries[i]!);
  } else if (choice.model === "logistic") {
    const model = trainLogistic(test.features, test.labels, maxFit, random);
    score = (i) => predictLogistic(model, churnFeatures(histories[i]!, referenceDay, horizonDays)!);
  } else score = recencyRule(histories, referenceDay, horizonDays);

  const scores = new Map<string, ChurnScore>();
  ids.forEach((id, i) => {
    const churnScore = score(i);
    scores.set(id, { churnScore, churnRisk: churnRiskOf(churnScore, thresholds) });
  });
  return {
    ...choice,
    backtest: { bgnbd: test.bgnbdAuc, logistic: test.logisticAuc },
    bgnbdFit: final?.fit ?? null,
    scores,
  };
}

interface Backtest {
  /** Why there is no backtest (too few customers, one class); null when there is one. */
  skipped: string | null;
  bgnbdAuc: number | null;
  bgnbdCheck: DegenerateCheck | null;
  logisticAuc: number | null;
  /** Features at the cutoff and labels (1 = no purchase in the horizon after it): the logistic model's training set. */
  features: number[][];
  labels: (0 | 1)[];
}

/** Both candidates scored at the cutoff against what happened in the horizon after it. */
function backtest(
  histories: PurchaseDays[],
  cutoffDay: number,
  horizonDays: number,
  maxFit: number,
  random: () => number,
): Backtest {
  const known = histories.filter((h) => h.days[0]! <= cutoffDay);
  const labels = known.map((h): 0 | 1 => (h.days[h.days.length - 1]! > cutoffDay ? 0 : 1));
  const features = known.map((h) => churnFeatures(h, cutoffDay, horizonDays)!);
  const churned = labels.reduce<number>((sum, label) => sum + label, 0);
  const none = { bgnbdAuc: null, bgnbdCheck: null, logisticAuc: null, features, labels };
  if (known.length < MIN_BACKTEST_CUSTOMERS)
    return {
      ...none,
      skipped: `only ${known.length} customers had bought by the backtest cutoff (fewer than ${MIN_BACKTEST_CUSTOMERS}; the history may be shorter than one horizon)`,
    };
  if (churned === 0 || churned === known.length)
    return {
      ...none,
      skipped: `every backtest customer ${churned === 0 ? "bought again" : "stayed silent"} in the last horizon (one class only)`,
    };
  const summaries = known.map((h) => summarizeDays(h, cutoffDay, 1)!);
  const { fit, sample } = fitOnSample(summaries, maxFit, random);
  return {
    skipped: null,
    bgnbdAuc: rocAuc(
      summaries.map((s) => probabilityNoPurchase(fit, horizonDays, s)),
      labels,
    ),
    bgnbdCheck: isDegenerateFit(fit, sample, { horizon: horizonDays }),
    logisticAuc: crossValidatedAuc(features, labels, maxFit, random),
    features,
    labels,
  };
}

/** The model-choice rule of the module comment, with the reason in words. */
function chooseModel(
  test: Backtest,
  finalCheck: DegenerateCheck,
): { model: ChurnModelName; auc: number | null; reason: string } {
  const fmt = (auc: number | null) => (auc === null ? "n/a" : auc.toFixed(3));
  const { bgnbdAuc, bgnbdCheck, logisticAuc } = test;
  const bgnbdSound = bgnbdCheck?.degenerate === false && bgnbdAuc !== null && !finalCheck.degenerate;
  if (bgnbdSound && (logisticAuc === null || logisticAuc <= bgnbdAuc + LOGISTIC_MARGIN)) {
    const versus =
      logisticAuc === null
        ? "the logistic model could not be cross-validated"
        : `logistic AUC ${fmt(logisticAuc)} is not more than ${LOGISTIC_MARGIN} better`;
    return { model: "bgnbd", auc: bgnbdAuc, reason: `BG/NBD: backtest AUC ${fmt(bgnbdAuc)}; ${versus}` };
  }
  if (logisticAuc !== null) {
    const degenerate = bgnbdCheck?.degenerate
      ? `at the cutoff: ${bgnbdCheck.reason}`
      : `on the full history: ${finalCheck.reason}`;
    const why = bgnbdSound
      ? `its backtest AUC ${fmt(logisticAuc)} beats BG/NBD's ${fmt(bgnbdAuc)} by more than ${LOGISTIC_MARGIN}`
      : `BG/NBD is degenerate (${degenerate}; its backtest AUC ${fmt(bgnbdAuc)}); logistic backtest AUC ${fmt(logisticAuc)}`;
    return { model: "logistic", auc: logisticAuc, reason: `logistic fallback: ${why}` };
  }
  const noBacktest = test.skipped ?? "the logistic model could not be cross-validated";
  if (!finalCheck.degenerate)
    return { model: "bgnbd", auc: null, reason: `BG/NBD without a backtest: ${noBacktest}` };
  return {
    model: "recency_rule",
    auc: null,
    reason: `recency rule, recency / (recency + own average gap): no backtest (${noBacktest}) and BG/NBD is degenerate (${finalCheck.reason})`,
  };
}

/** Fits BG/NBD on a seeded sample of at most `maxFit` summaries (all of them when there are fewer). */
function fitOnSample(
  summaries: BgnbdCustomer[],
  maxFit: number,
  random: () => number,
): { fit: BgnbdFit; sample: BgnbdCustomer[] } {
  const sample =
    summaries.length <= maxFit
      ? summaries
      : sampleIndices(summaries.length, maxFit, random).map((i) => summaries[i]!);
  return { fit: fitBgnbd(sample), sample };
}

/** Trains the logistic model (label 1 = churned) on a seeded sample of at most `maxFit` rows. */
function trainLogistic(
  features: number[][],
  labels: (0 | 1)[],
  maxFit: number,
  random: () => number,
): LogisticModel {
  const rows =
    features.length <= maxFit ? features.map((_, i) => i) : sampleIndices(features.length, maxFit, random);
  return fitLogistic(
    rows.map((i) => features[i]!),
    rows.map((i) => labels[i]!),
  );
}

/** AUC of out-of-fold logistic predictions over seeded folds; null if some training fold has one class only. */
function crossValidatedAuc(
  features: number[][],
  labels: (0 | 1)[],
  maxFit: number,
  random: () => number,
): number | null {
  const n = features.length;
  const fold = new Int32Array(n);
  sampleIndices(n, n, random).forEach((row, position) => {
    fold[row] = position % FOLDS;
  });
  const predictions = new Array<number>(n).fill(0);
  for (let f = 0; f < FOLDS; f++) {
    const trainFeatures: number[][] = [];
    const trainLabels: (0 | 1)[] = [];
    for (let i = 0; i < n; i++) {
      if (fold[i] === f) continue;
      trainFeatures.push(features[i]!);
      trainLabels.push(labels[i]!);
    }
    const positives = trainLabels.reduce<number>((sum, label) => sum + label, 0);
    if (positives === 0 || positives === trainLabels.length) return null;
    const model = trainLogistic(trainFeatures, trainLabels, maxFit, random);
    for (let i = 0; i < n; i++) if (fold[i] === f) predictions[i] = predictLogistic(model, features[i]!);
  }
  return rocAuc(predictions, labels);
}

/**
 * The transparent last resort: recency / (recency + gap), 0.5 when a customer's silence equals their usual gap.
 * The gap is the customer's own average gap between purchase days; one-time buyers get the median gap of repeat
 * buyers, or the horizon when nobody has bought twice.
 */
function recencyRule(histories: PurchaseDays[], day: number, horizonDays: number): (i: number) => number {
  const gaps: number[] = [];
  for (const { days } of histories)
    if (days.length > 1) gaps.push((days[days.length - 1]! - days[0]!) / (days.length - 1));
  gaps.sort((a, b) => a - b);
  const typicalGap = gaps.length > 0 ? gaps[Math.floor(gaps.length / 2)]! : horizonDays;
  return (i) => {
    const { days } = histories[i]!;
    const recency = day - days[days.length - 1]!;
    const gap = days.length > 1 ? (days[days.length - 1]! - days[0]!) / (days.length - 1) : typicalGap;
    return recency / (recency + gap);
  };
}
