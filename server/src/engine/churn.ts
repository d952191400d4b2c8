/**
 * Churn: churn_score = P(no purchase in the next `horizonDays` | history), from the candidate that ranks customers
 * best in a backtest on the project's own history. Everything is in days and computed point in time.
 *
 * Backtest: cutoff = referenceDate − horizon. The customers who had bought by the cutoff (a seeded sample of at most
 * `maxFitCustomers`, the same customers for every candidate) are labelled churned when they made no purchase in
 * (cutoff, referenceDate]. Every feature is computed as of the cutoff from the events up to it.
 * Candidates, each with its backtest AUC on those customers: the AUC within each fold of a 10-fold split,
 * averaged over the folds (cross-validation.ts, foldAveragedAuc: each fold is ranked by one model, as customers
 * are), over the same splits for every candidate and baseline, repeated for small shops (repeatsFor):
 * - bgnbd: BG/NBD fitted on the history up to the cutoff (it never sees the labels), P(no purchase in the horizon);
 * - logistic: L2-regularized logistic regression, cross-validated (each fold predicted by a model that never saw it);
 * - forest: a random forest, cross-validated.
 * The supervised candidates read the behaviour features (behaviour.ts), the customers' extra fields (extra-fields.ts)
 * and, when BG/NBD could be fitted at both dates, BG/NBD's own P(no purchase) as one more feature.
 * Baselines, reported only: recency alone (more days since the last purchase = more likely churned) and frequency
 * alone (fewer orders = more likely churned).
 *
 * Choice: the eligible candidate with the highest AUC (BG/NBD is eligible when neither its backtest fit nor its fit
 * on the full history is degenerate, see isDegenerateFit); BG/NBD is kept when it is within BGNBD_TOLERANCE of the
 * best, since it is explainable and needs no label window. Without a backtest (too few customers, one class only):
 * BG/NBD if its full-history fit is sound, else the recency rule, recency / (recency + the customer's own average
 * gap). The chosen model then scores every customer who had bought by the reference date: BG/NBD refitted on the
 * full history, a supervised model trained on the backtest customers' cutoff features and labels and applied to
 * the features as of the reference date.
 *
 * Deterministic for the same data and seed, in any input order: customers are processed sorted by id.
 */
import { BEHAVIOUR_FEATURES, behaviourAsOf } from "./behaviour.js";
import {
  type BgnbdCustomer,
  type BgnbdFit,
  type DegenerateCheck,
  fitBgnbd,
  isDegenerateFit,
  probabilityNoPurchase,
} from "./bgnbd.js";
import { assignFolds, foldAveragedAuc, type Learner, outOfFoldPredictions } from "./cross-validation.js";
import {
  type CustomerTimeline,
  DAY_MS,
  firstPurchaseAt,
  purchasedBetween,
  purchaseSummaryAsOf,
} from "./customer-timeline.js";
import { encodeExtraFields, type FieldEncoding, fitExtraFieldEncoder } from "./extra-fields.js";
import { type Forest, fitForest, MODEL_FOREST_TREES, predictForest } from "./forest.js";
import { fitLogistic, type LogisticModel, predictLogistic } from "./logistic.js";
import {
  aucStandardError,
  type CandidateMetric,
  count,
  type ModelWarning,
  metricText,
  type SampleSize,
  sampledCustomersWarning,
} from "./model-report.js";
import { sampleOf, seededRandom } from "./random.js";
import { rfmAsOf } from "./rfm.js";

export type ChurnRisk = "low" | "medium" | "high";
export type ChurnModelName = "bgnbd" | "logistic" | "forest" | "recency_rule";

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
  /** Backtests and fits use a seeded sample of at most this many customers (default 20,000); all are scored. */
  maxFitCustomers?: number;
  /** The supervised candidates to try (default both). */
  supervised?: readonly SupervisedModel[];
  /** The project's customers, when the timelines are a seeded sample of them (a warning reports the sample). */
  population?: number;
}

export type SupervisedModel = "logistic" | "forest";

export interface ChurnScore {
  churnScore: number;
  churnRisk: ChurnRisk;
}

export interface ChurnResult {
  model: ChurnModelName;
  /** Backtest AUC of the model that scores; null when there was no backtest or the recency rule scores. */
  auc: number | null;
  /** Backtest AUC per candidate and baseline, by name (null where it could not be measured). */
  backtest: Record<string, number | null>;
  /** Why this model scores, in words. */
  reason: string;
  candidates: CandidateMetric[];
  warnings: ModelWarning[];
  /** The supervised candidates' features. */
  features: string[];
  /** The backtest customers: every customer who had bought by the cutoff, or a seeded sample of them. */
  sample: SampleSize;
  /** The BG/NBD fit on the full history (time unit: days), whichever model scores; null without customers. */
  bgnbdFit: BgnbdFit | null;
  scores: Map<string, ChurnScore>;
}

/** BG/NBD keeps scoring unless a supervised candidate beats its AUC by more than this. */
export const BGNBD_TOLERANCE = 0.005;
/** Fewer backtest customers than this: no backtest. */
export const MIN_BACKTEST_CUSTOMERS = 20;
/** Fewer churned (or retained) backtest customers than this: the AUC is noisy, and the report says so. */
export const MIN_CLASS_SIZE = 30;
const DEFAULT_MAX_FIT_CUSTOMERS = 20_000;
const LOGISTIC_L2 = 1e-2;
/** Ten folds: each backtest model learns from 90 % of the customers, nearly as many as the model that scores. */
const FOLDS = 10;
/**
 * The cross-validation is repeated on new random folds until it has scored about this many rows (at most
 * MAX_REPEATS times): a metric's noise from the luck of the folds shrinks with the rows scored, so a small shop's
 * candidates are compared about as steadily as a large one's, at a cost that does not grow with the shop.
 */
const CROSS_VALIDATED_ROWS = 10_000;
const MAX_REPEATS = 5;
const BGNBD_FEATURE = "BG/NBD P(no purchase in the horizon)";

/** low below `medium`, medium from `medium` (inclusive) to `high` (exclusive), high from `high` (inclusive). */
export function churnRiskOf(score: number, thresholds: ChurnThresholds): ChurnRisk {
  if (score >= thresholds.high) return "high";
  if (score >= thresholds.medium) return "medium";
  return "low";
}

/** Scores every customer's churn risk as of the reference date; see the module comment for the method. */
export function predictChurn(timelines: readonly CustomerTimeline[], options: ChurnOptions): ChurnResult {
  const fit = fitChurn(timelines, options);
  const reference = options.referenceDate.getTime();
  const scores = new Map<string, ChurnScore>();
  for (const timeline of timelines) {
    const score = churnScoreOf(fit.scorer, timeline, reference, options.thresholds);
    if (score !== null) scores.set(timeline.customerId, score);
  }
  return { ...fit, scores };
}

/**
 * The churn model that scores, as plain data (it crosses to a worker thread and scores the customers batch by
 * batch, fitted once on the sample): BG/NBD's full-history fit, the recency rule's typical gap, or a supervised
 * model with what its features need.
 */
export type ChurnScorer =
  | { model: "bgnbd"; horizonDays: number; fit: BgnbdFit }
  | { model: "recency_rule"; typicalGap: number }
  | { model: "logistic"; features: ChurnFeatures; logistic: LogisticModel }
  | { model: "forest"; features: ChurnFeatures; forest: Forest };

/** What the supervised candidates' feature rows are made of. */
export interface ChurnFeatures {
  horizonDays: number;
  extraFields: FieldEncoding[];
  /** BG/NBD's P(no purchase) as a last feature: the full-history fit when it is one, else null. */
  bgnbdFit: BgnbdFit | null;
}

/** A customer's churn score and risk from the chosen model; null when they had not bought by `reference`. */
export function churnScoreOf(
  scorer: ChurnScorer,
  timeline: CustomerTimeline,
  reference: number,
  thresholds: ChurnThresholds,
): ChurnScore | null {
  if (firstPurchaseAt(timeline, reference) === null) return null;
  let churnScore: number;
  if (scorer.model === "bgnbd")
    churnScore = probabilityNoPurchase(scorer.fit, scorer.horizonDays, summaryAt(timeline, reference));
  else if (scorer.model === "recency_rule") churnScore = recencyScore(timeline, reference, scorer.typicalGap);
  else {
    const row = churnFeaturesAt(scorer.features, timeline, reference, scorer.features.bgnbdFit);
    churnScore =
      scorer.model === "logistic" ? predictLogistic(scorer.logistic, row) : predictForest(scorer.forest, row);
  }
  return { churnScore, churnRisk: churnRiskOf(churnScore, thresholds) };
}

function churnFeaturesAt(
  spec: ChurnFeatures,
  timeline: CustomerTimeline,
  at: number,
  fit: BgnbdFit | null,
): number[] {
  const behaviour = behaviourAsOf(timeline, at, spec.horizonDays / 2)!;
  const extra = encodeExtraFields(spec.extraFields, timeline.extra);
  if (fit === null) return [...behaviour, ...extra];
  return [
    ...behaviour,
    ...extra,
    probabilityNoPurchase(fit, spec.horizonDays, purchaseSummaryAsOf(timeline, at)!),
  ];
}

/** The churn model chosen on the customers given (all of a project's, or a sample), with its report and scorer. */
export function fitChurn(
  timelines: readonly CustomerTimeline[],
  options: ChurnOptions,
): Omit<ChurnResult, "scores"> & { scorer: ChurnScorer } {
  const { horizonDays, thresholds } = options;
  if (!(horizonDays > 0)) throw new RangeError(`horizonDays must be positive (got ${horizonDays})`);
  if (!(thresholds.medium <= thresholds.high))
    throw new RangeError(
      `thresholds.medium must not exceed thresholds.high (got ${thresholds.medium} > ${thresholds.high})`,
    );
  const maxFit = options.maxFitCustomers ?? DEFAULT_MAX_FIT_CUSTOMERS;
  const random = seededRandom(options.seed);
  const reference = options.referenceDate.getTime();
  const cutoff = reference - horizonDays * DAY_MS;

  const buyers = timelines.filter((t) => firstPurchaseAt(t, reference) !== null);
  const known = buyers.filter((t) => firstPurchaseAt(t, cutoff) !== null);
  const backtestSet = sampleOf(known, maxFit, random);
  const labels = backtestSet.map((t): number => (purchasedBetween(t, cutoff, reference) ? 0 : 1));

  const final = fitBgnbdAt(sampleOf(buyers, maxFit, random), reference);
  const atCutoff = fitBgnbdAt(backtestSet, cutoff);
  const useBgnbdFeature =
    final !== null && atCutoff !== null && final.fit.converged && atCutoff.fit.converged;
  const encoder = fitExtraFieldEncoder(backtestSet.map((t) => t.extra));
  const featureSpec: ChurnFeatures = {
    horizonDays,
    extraFields: encoder.encodings,
    bgnbdFit: useBgnbdFeature ? final.fit : null,
  };
  const features = [...BEHAVIOUR_FEATURES, ...encoder.columns, ...(useBgnbdFeature ? [BGNBD_FEATURE] : [])];
  const trainX = backtestSet.map((t) =>
    churnFeaturesAt(featureSpec, t, cutoff, useBgnbdFeature ? atCutoff.fit : null),
  );

  const warnings: ModelWarning[] = [];
  const skipped = backtestSkipReason(backtestSet.length, labels);
  const candidates: CandidateMetric[] = [];
  const fitForestOn = (x: number[][], y: number[]) =>
    fitForest(x, y, { seed: options.seed, trees: MODEL_FOREST_TREES });
  const fitLogisticOn = (x: number[][], y: number[]) => fitLogistic(x, y, { l2: LOGISTIC_L2 });
  const learners: Record<SupervisedModel, Learner> = {
    logistic: (x, y) => {
      const model = fitLogisticOn(x, y);
      return (row) => predictLogistic(model, row);
    },
    forest: (x, y) => {
      const forest = fitForestOn(x, y);
      return (row) => predictForest(forest, row);
    },
  };
  if (skipped !== null) {
    warnings.push(skipped);
  } else {
    const churned = labels.reduce((sum, label) => sum + label, 0);
    const smaller = Math.min(churned, labels.length - churned);
    if (smaller < MIN_CLASS_SIZE)
      warnings.push({
        code: "few_backtest_outcomes",
        params: { customers: smaller, minimum: MIN_CLASS_SIZE },
        message: `Only ${count(smaller)} backtest customers ${smaller === churned ? "churned" : "bought again"} (fewer than ${MIN_CLASS_SIZE}): the backtest AUCs are rough.`,
      });
    const bgnbdCheck = atCutoff
      ? isDegenerateFit(atCutoff.fit, atCutoff.sample, { horizon: horizonDays })
      : { degenerate: true, reason: "there are no customers" };
    const finalCheck = final
      ? isDegenerateFit(final.fit, final.sample, { horizon: horizonDays })
      : { degenerate: true, reason: "there are no customers" };
    const splits = Array.from({ length: repeatsFor(backtestSet.length) }, () =>
      assignFolds(backtestSet.length, FOLDS, random),
    );
    // Untrained scores (BG/NBD never sees the labels, the baselines learn nothing): the same on every split.
    const untrained = (scores: number[]) =>
      foldAveragedAuc(
        splits.map(() => scores),
        labels,
        splits,
      );
    candidates.push({
      model: "bgnbd",
      role: "candidate",
      metric: "auc",
      value: atCutoff
        ? untrained(
            backtestSet.map((t) => probabilityNoPurchase(atCutoff.fit, horizonDays, summaryAt(t, cutoff))),
          )
        : null,
      ...degenerateNote(bgnbdCheck, finalCheck),
    });
    const validation = `${FOLDS}-fold cross-validated${splits.length > 1 ? ` ${splits.length} times` : ""}`;
    for (const model of options.supervised ?? (["logistic", "forest"] as const)) {
      const predictions = splits.map((fold) => outOfFoldPredictions(trainX, labels, fold, learners[model]));
      const complete = predictions.every((p) => p !== null);
      candidates.push({
        model,
        role: "candidate",
        metric: "auc",
        value: complete ? foldAveragedAuc(predictions as number[][], labels, splits) : null,
        eligible: complete,
        note: complete ? validation : "a training fold had one class only",
      });
    }
    const rfm = backtestSet.map((t) => rfmAsOf(t, cutoff));
    candidates.push(
      baseline("recency", untrained(rfm.map((r) => r.recencyDays!))),
      baseline("frequency", untrained(rfm.map((r) => -r.frequency))),
    );
  }

  const choice = chooseModel(candidates, final, horizonDays, skipped);
  if (options.population !== undefined && options.population > timelines.length) {
    const churned = labels.reduce((sum, label) => sum + label, 0);
    const standardError =
      choice.auc === null ? null : aucStandardError(choice.auc, churned, labels.length - churned);
    warnings.push(
      sampledCustomersWarning(timelines.length, options.population, { name: "AUC", standardError }),
    );
  }
  let scorer: ChurnScorer;
  if (choice.model === "bgnbd") scorer = { model: "bgnbd", horizonDays, fit: final!.fit };
  else if (choice.model === "recency_rule")
    scorer = { model: "recency_rule", typicalGap: typicalGap(buyers, reference, horizonDays) };
  else if (choice.model === "logistic")
    scorer = { model: "logistic", features: featureSpec, logistic: fitLogisticOn(trainX, labels) };
  else scorer = { model: "forest", features: featureSpec, forest: fitForestOn(trainX, labels) };
  return {
    ...choice,
    backtest: Object.fromEntries(candidates.map((c) => [c.model, c.value])),
    candidates,
    warnings,
    features,
    sample: { available: known.length, used: backtestSet.length },
    bgnbdFit: final?.fit ?? null,
    scorer,
  };
}

function summaryAt(timeline: CustomerTimeline, at: number): BgnbdCustomer {
  return purchaseSummaryAsOf(timeline, at)!;
}

/** BG/NBD fitted on the customers' summaries as of `at`, in days; null without customers. */
function fitBgnbdAt(
  timelines: readonly CustomerTimeline[],
  at: number,
): { fit: BgnbdFit; sample: BgnbdCustomer[] } | null {
  const sample = timelines.map((t) => purchaseSummaryAsOf(t, at)).filter((s) => s !== null);
  if (sample.length === 0) return null;
  const fit = fitBgnbd(sample);
  if (![fit.r, fit.alpha, fit.a, fit.b].every(Number.isFinite)) return null;
  return { fit, sample };
}

function degenerateNote(
  atCutoff: DegenerateCheck,
  final: DegenerateCheck,
): Pick<CandidateMetric, "eligible" | "note"> {
  if (atCutoff.degenerate) return { eligible: false, note: `degenerate at the cutoff: ${atCutoff.reason}` };
  if (final.degenerate) return { eligible: false, note: `degenerate on the full history: ${final.reason}` };
  return { eligible: true, note: null };
}

/** How many times to repeat the cross-validation for this many backtest customers (see CROSS_VALIDATED_ROWS). */
export function repeatsFor(customers: number): number {
  return Math.min(MAX_REPEATS, Math.max(1, Math.round(CROSS_VALIDATED_ROWS / customers)));
}

function baseline(model: string, value: number | null): CandidateMetric {
  return { model, role: "baseline", metric: "auc", value, eligible: false, note: "single-feature baseline" };
}

function backtestSkipReason(customers: number, labels: number[]): ModelWarning | null {
  if (customers < MIN_BACKTEST_CUSTOMERS)
    return {
      code: "too_few_customers",
      params: { customers, minimum: MIN_BACKTEST_CUSTOMERS },
      message: `Only ${count(customers)} customers had bought by the backtest cutoff (fewer than ${MIN_BACKTEST_CUSTOMERS}; the history may be shorter than one horizon): no backtest.`,
    };
  const churned = labels.reduce((sum, label) => sum + label, 0);
  if (churned === 0 || churned === labels.length)
    return {
      code: "one_class",
      params: { customers },
      message: `Every backtest customer ${churned === 0 ? "bought again" : "stayed silent"} in the last horizon: no backtest.`,
    };
  return null;
}

/** The choice rule of the module comment, with the reason in words. */
function chooseModel(
  candidates: CandidateMetric[],
  final: { fit: BgnbdFit; sample: BgnbdCustomer[] } | null,
  horizonDays: number,
  skipped: ModelWarning | null,
): { model: ChurnModelName; auc: number | null; reason: string } {
  const eligible = candidates.filter((c) => c.role === "candidate" && c.eligible && c.value !== null);
  if (eligible.length > 0) {
    const best = eligible.reduce((top, c) => (c.value! > top.value! ? c : top));
    const bgnbd = eligible.find((c) => c.model === "bgnbd");
    const list = candidates.map((c) => `${c.model} ${metricText(c.value)}`).join(", ");
    if (bgnbd && best.value! - bgnbd.value! <= BGNBD_TOLERANCE)
      return {
        model: "bgnbd",
        auc: bgnbd.value,
        reason: `BG/NBD: backtest AUC ${metricText(bgnbd.value)}, within ${BGNBD_TOLERANCE} of the best (${list}).`,
      };
    const versus = bgnbd
      ? ""
      : ` BG/NBD is not eligible (${candidates.find((c) => c.model === "bgnbd")?.note}).`;
    return {
      model: best.model as ChurnModelName,
      auc: best.value,
      reason: `${best.model}: the best backtest AUC, ${metricText(best.value)} (${list}).${versus}`,
    };
  }
  const finalCheck = final
    ? isDegenerateFit(final.fit, final.sample, { horizon: horizonDays })
    : { degenerate: true, reason: "there are no customers" };
  const noBacktest = skipped?.message ?? "no candidate could be backtested.";
  if (!finalCheck.degenerate)
    return { model: "bgnbd", auc: null, reason: `BG/NBD without a backtest: ${noBacktest}` };
  return {
    model: "recency_rule",
    auc: null,
    reason: `recency rule, recency / (recency + own average gap): ${noBacktest} BG/NBD is degenerate (${finalCheck.reason}).`,
  };
}

/**
 * The transparent last resort: recency / (recency + gap), 0.5 when a customer's silence equals their usual gap.
 * The gap is the customer's own average gap between purchase days; one-time buyers get the typical gap (below).
 */
function recencyScore(timeline: CustomerTimeline, at: number, typicalGap: number): number {
  const s = summaryAt(timeline, at);
  const recency = s.T - s.tx;
  const gap = ownGap(s) ?? typicalGap;
  return recency / (recency + gap);
}

const ownGap = (s: BgnbdCustomer) => (s.x > 0 ? s.tx / s.x : null);

/** The median gap of the repeat buyers, or the horizon when nobody has bought twice. */
function typicalGap(buyers: readonly CustomerTimeline[], at: number, horizonDays: number): number {
  const gaps = buyers
    .map((t) => ownGap(summaryAt(t, at)))
    .filter((g) => g !== null)
    .sort((a, b) => a - b);
  return gaps.length > 0 ? gaps[Math.floor(gaps.length / 2)]! : horizonDays;
}
