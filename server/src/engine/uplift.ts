/**
 * Campaign uplift: how much more likely a customer is to purchase because a campaign contacted them, from
 * randomized exposures (treatment: contacted; control: held out), using every covariate known at the exposure.
 *
 * Training examples (estimateCampaignUplift): every exposure whose window (`windowDays` after it) has closed by the
 * reference date; outcome 1 when the customer made a purchase in (exposure, exposure + window]. Features are taken
 * as of just before the exposure (point in time: rfmFeaturesAsOf at exposure − 1 ms) plus the customer's extra
 * fields (extra-fields.ts). Exposures still inside their window are left out and counted in a warning.
 *
 * Learning (estimateUplift), on examples sorted canonically (customer, then input features) so input order never
 * matters:
 * 1. a seeded split by customer: `holdoutShare` (30 %) held out, the rest to learn from (at most
 *    `maxTrainExposures`, 20,000 by default, a seeded sample);
 * 2. candidates, compared by the Qini coefficient of their 5-fold cross-validated (out-of-fold) scores on the
 *    learning part, in this order of preference (from the most to the least constrained effect):
 *    interaction_logistic (Lo 2002: one L2 logistic model on the features, the contact flag and contact x every
 *    feature, uplift = P(buy | contacted, x) − P(buy | not contacted, x); the contact x feature weights, how the
 *    effect varies between customers, are shrunk ten times harder than the baseline's); class_transformation
 *    (Jaskowski & Jaroszewicz 2012: z = 1 for treated buyers and control non-buyers, groups reweighted to equal
 *    size, one logistic model, uplift = 2 P(z = 1 | x) − 1); t_learner_logistic (one L2 logistic model per group,
 *    uplift = P(buy | treated, x) − P(buy | control, x)); t_learner_forest (one random forest per group);
 * 3. heterogeneity is usable only if the best cross-validated Qini beats random scoring by a margin: at least
 *    RANDOM_MARGIN standard deviations above the mean Qini of RANDOM_DRAWS random scorings of the same rows.
 *    Otherwise every customer is scored with the average effect. If it is, the first learner in the order above
 *    whose Qini is within one standard error of the best's (the paired difference's, over BOOTSTRAP_DRAWS
 *    resamples of the customers) and above the margin serves: the one-standard-error rule, since a few thousand
 *    exposures rarely tell the learners apart and the more constrained one then ranks new customers better;
 * 4. reported on the held-out customers: the Qini coefficient and uplift@30% (uplift-metrics.ts, the scikit-uplift
 *    definitions) of the served model trained on the learning part, with the random-scoring spread beside them;
 *    and the average treatment effect with its 95 % interval, on all exposures and on the holdout;
 * 5. the kept model is refitted on all examples and scores every customer.
 * Without treated AND control outcomes (or with too few) there is no uplift to estimate: the result says why and
 * invents no score.
 */
import { RFM_FEATURES, rfmFeaturesAsOf } from "./behaviour.js";
import { assignFolds } from "./cross-validation.js";
import {
  type CustomerTimeline,
  compareIds,
  DAY_MS,
  emptyTimeline,
  purchasedBetween,
} from "./customer-timeline.js";
import { encodeExtraFields, type FieldEncoding, fitExtraFieldEncoder } from "./extra-fields.js";
import { type Forest, fitForest, predictForest } from "./forest.js";
import { fitLogistic, type LogisticModel, predictLogistic } from "./logistic.js";
import {
  type CandidateMetric,
  count,
  type ModelWarning,
  metricText,
  type SampleSize,
} from "./model-report.js";
import { sampleIndices, seededRandom } from "./random.js";
import {
  averageEffect,
  type EffectInterval,
  type ExposureGroup,
  qiniCoefficient,
  qiniScorer,
  type ReportedQiniCurve,
  reportedQiniCurve,
  upliftAtK,
} from "./uplift-metrics.js";

export type { ExposureGroup } from "./uplift-metrics.js";

/** One customer's exposure to a campaign, whether they purchased within its window, and their features then. */
export interface CampaignObservation {
  customerId: string;
  group: ExposureGroup;
  outcome: 0 | 1;
  features: number[];
}

export interface CustomerToScore {
  customerId: string;
  features: number[];
}

export type UpliftModelName =
  | "interaction_logistic"
  | "class_transformation"
  | "t_learner_logistic"
  | "t_learner_forest";

export interface UpliftOptions {
  seed: number;
  /** Share of the customers held out to evaluate the served model, in [0.1, 0.5]; default 0.3. */
  holdoutShare?: number;
  /** The learning part is a seeded sample of at most this many exposures (default 20,000). */
  maxTrainExposures?: number;
  /** Names of the feature columns, for the report; default "feature 1", "feature 2", ... */
  featureNames?: readonly string[];
}

export interface HoldoutReport {
  exposures: number;
  /** Qini coefficient of the served model's scores (null when undefined, e.g. no purchase at all). */
  qini: number | null;
  /** Mean and standard deviation of the Qini coefficient of random scorings of the same customers. */
  randomQini: { mean: number; sd: number };
  upliftAt30: number | null;
  averageEffect: EffectInterval | null;
  /** The served model's Qini curve, with random targeting's line (null only without rows). */
  qiniCurve: ReportedQiniCurve | null;
}

export type UpliftResult =
  | {
      status: "estimated";
      /** Whether the served scores rank customers (a learner beat random), or everyone gets the average effect. */
      heterogeneity: boolean;
      model: UpliftModelName | "average_effect";
      reason: string;
      /** Uplift score per customer to score, in [-1, 1]. */
      scores: Map<string, number>;
      /** Treated minus control purchase rate over every exposure, with its 95 % interval. */
      averageEffect: EffectInterval;
      holdout: HoldoutReport;
      /** The holdout Qini coefficient and uplift@30% again, where the pipeline has always read them. */
      qini: number | null;
      upliftAt30: number | null;
      candidates: CandidateMetric[];
      features: string[];
      warnings: ModelWarning[];
      sample: SampleSize;
      treated: number;
      control: number;
    }
  | { status: "not_estimable"; reason: string; treated: number; control: number; warnings: ModelWarning[] };

/** Below this many exposed customers in a group, a per-group model would learn noise. */
export const MIN_CUSTOMERS_PER_GROUP = 50;
/** Each group needs this many buyers and this many non-buyers: a model cannot learn a purchase it never saw. */
export const MIN_OUTCOMES_PER_GROUP = 5;
/** A learner must beat the mean random-scoring Qini by this many standard deviations to be kept. */
export const RANDOM_MARGIN = 3;
export const RANDOM_DRAWS = 50;
/** Customer resamples that measure how much two learners' cross-validated Qini differ by chance. */
const BOOTSTRAP_DRAWS = 50;
const DEFAULT_HOLDOUT_SHARE = 0.3;
const DEFAULT_MAX_TRAIN = 20_000;
const UPLIFT_FOLDS = 5;
const LOGISTIC_L2 = 1e-2;
/**
 * interaction_logistic's penalty on the contact x feature weights, ten times the baseline weights': with a few
 * thousand exposures the effect's variation between customers is small beside the purchase baseline's, and an
 * unshrunk fit ranks customers by noise (npm run report:models compares the learners over seeds).
 */
const INTERACTION_L2 = 0.1;

export interface Exposure {
  customerId: string;
  campaignId?: string;
  exposedAt: Date;
  group: ExposureGroup;
}

export interface CampaignUpliftOptions extends Omit<UpliftOptions, "featureNames"> {
  referenceDate: Date;
  /** Days after an exposure a purchase counts as its outcome. */
  windowDays: number;
}

/**
 * Uplift from exposures and the customers' timelines (with their extra fields), point in time: see the module
 * comment. Every customer with a timeline is scored with features as of the reference date.
 */
export function estimateCampaignUplift(
  exposures: readonly Exposure[],
  timelines: readonly CustomerTimeline[],
  options: CampaignUpliftOptions,
): UpliftResult {
  const fit = fitCampaignUplift(exposures, timelines, options);
  if (fit.status !== "estimated") return fit;
  const reference = options.referenceDate.getTime();
  const { scorer, ...result } = fit;
  return { ...result, scores: new Map(timelines.map((t) => [t.customerId, upliftOf(scorer, t, reference)])) };
}

/**
 * The uplift model that scores, as plain data (it crosses to a worker thread and scores the customers batch by
 * batch, fitted once on the sample): the kept learner, or everyone's average effect.
 */
export interface UpliftScorer {
  learner: UpliftLearner | { model: "average_effect"; estimate: number };
  extraFields: FieldEncoding[];
}

/** A customer's uplift score as of `reference`. */
export function upliftOf(scorer: UpliftScorer, t: CustomerTimeline, reference: number): number {
  const { learner } = scorer;
  if (learner.model === "average_effect") return learner.estimate;
  return learnerUplift(learner, upliftFeaturesAt(scorer.extraFields, t, reference));
}

const upliftFeaturesAt = (extraFields: readonly FieldEncoding[], t: CustomerTimeline, at: number) => [
  ...rfmFeaturesAsOf(t, at),
  ...encodeExtraFields(extraFields, t.extra),
];

/** The uplift model learned from exposures and the exposed customers' timelines, with its report and scorer. */
export function fitCampaignUplift(
  exposures: readonly Exposure[],
  timelines: readonly CustomerTimeline[],
  options: CampaignUpliftOptions,
): Exclude<UpliftResult, { status: "estimated" }> | UpliftFit {
  const reference = options.referenceDate.getTime();
  const window = options.windowDays * DAY_MS;
  const byId = new Map(timelines.map((t) => [t.customerId, t]));
  const closed = exposures.filter((e) => e.exposedAt.getTime() + window <= reference);
  const open = exposures.length - closed.length;
  const timelineOf = (id: string) => byId.get(id) ?? emptyTimeline(id);
  const encoder = fitExtraFieldEncoder(closed.map((e) => timelineOf(e.customerId).extra));
  const observations: CampaignObservation[] = closed.map((e) => {
    const t = timelineOf(e.customerId);
    const at = e.exposedAt.getTime();
    return {
      customerId: e.customerId,
      group: e.group,
      outcome: purchasedBetween(t, at, at + window) ? 1 : 0,
      features: upliftFeaturesAt(encoder.encodings, t, at - 1),
    };
  });
  const fitted = fitUplift(observations, {
    ...options,
    featureNames: [...RFM_FEATURES, ...encoder.columns],
  });
  const result =
    fitted.status === "estimated"
      ? { ...fitted, scorer: { learner: fitted.learner, extraFields: encoder.encodings } }
      : fitted;
  if (open > 0)
    result.warnings.unshift({
      code: "windows_open",
      params: { exposures: open, windowDays: options.windowDays },
      message: `${count(open)} exposures wait for their ${count(options.windowDays)}-day window to close.`,
    });
  const dropped = encoder.fields.filter((f) => f.kind === "dropped");
  for (const field of dropped)
    result.warnings.push({
      code: "extra_field_dropped",
      params: { field: field.field },
      message: `The extra field "${field.field}" is not used: ${field.note}.`,
    });
  return result;
}

/** An estimated uplift without the scores, with the plain-data scorer that gives them. */
export type UpliftFit = Omit<Extract<UpliftResult, { status: "estimated" }>, "scores"> & {
  scorer: UpliftScorer;
};

/** Uplift from observations with their features (see the module comment, steps 1 to 5). */
export function estimateUplift(
  observations: readonly CampaignObservation[],
  toScore: readonly CustomerToScore[],
  options: UpliftOptions,
): UpliftResult {
  checkFeatures(observations, toScore);
  const fit = fitUplift(observations, options);
  if (fit.status !== "estimated") return fit;
  const { learner, ...result } = fit;
  const score = (features: number[]) =>
    learner.model === "average_effect" ? learner.estimate : learnerUplift(learner, features);
  return { ...result, scores: new Map(toScore.map((c) => [c.customerId, score(c.features)])) };
}

/** Steps 1 to 4 of the module comment and the kept learner (step 5's refit), without scoring anyone. */
export function fitUplift(
  observations: readonly CampaignObservation[],
  options: UpliftOptions,
):
  | Exclude<UpliftResult, { status: "estimated" }>
  | (Omit<Extract<UpliftResult, { status: "estimated" }>, "scores"> & {
      learner: UpliftScorer["learner"];
    }) {
  const holdoutShare = options.holdoutShare ?? DEFAULT_HOLDOUT_SHARE;
  // At least 0.1 so that, with the minimums below, both groups reach the holdout; at most 0.5 to keep most to learn.
  if (!(holdoutShare >= 0.1 && holdoutShare <= 0.5))
    throw new RangeError(`holdoutShare must be in [0.1, 0.5], got ${holdoutShare}`);
  const width = checkFeatures(observations, []);
  const featureNames = options.featureNames ?? Array.from({ length: width }, (_, j) => `feature ${j + 1}`);
  // Without observations there are no feature rows to count (and nothing to estimate, said below).
  if (observations.length > 0 && featureNames.length !== width)
    throw new RangeError(`${featureNames.length} feature names for ${width} features`);

  const rows = [...observations].sort(compareObservations);
  const treated = rows.filter((o) => o.group === "treatment").length;
  const counts = { treated, control: rows.length - treated };
  const warnings: ModelWarning[] = [];
  const reason = notEstimableReason(rows);
  if (reason !== null) return { status: "not_estimable", reason, ...counts, warnings };

  const random = seededRandom(options.seed);
  const { learn, holdout } = splitByCustomer(rows, holdoutShare, random);
  const maxTrain = options.maxTrainExposures ?? DEFAULT_MAX_TRAIN;
  const training =
    learn.length <= maxTrain
      ? learn
      : sampleIndices(learn.length, maxTrain, random)
          .sort((a, b) => a - b)
          .map((i) => learn[i]!);

  const folds = foldsByCustomer(training, random);
  const groups = training.map((o) => o.group);
  const outcomes = training.map((o) => o.outcome);
  const candidates: CandidateMetric[] = [];
  const outOfFold: (number[] | null)[] = [];
  for (const model of LEARNERS) {
    const scores = crossValidatedScores(training, folds, model, options.seed);
    outOfFold.push(scores);
    candidates.push({
      model,
      role: "candidate",
      metric: "qini",
      value: scores && qiniCoefficient(scores, groups, outcomes),
      eligible: scores !== null,
      note:
        scores === null
          ? "a training fold lacked a group's buyers or non-buyers"
          : `${UPLIFT_FOLDS}-fold cross-validated`,
    });
  }
  const noise = randomQini(groups, outcomes, random);
  const bar = noise.mean + RANDOM_MARGIN * noise.sd;
  const measured = candidates.flatMap((c, k) =>
    c.eligible && c.value !== null ? [{ candidate: c, scores: outOfFold[k]! }] : [],
  );
  const best = measured.reduce<(typeof measured)[number] | null>(
    (top, c) => (top === null || c.candidate.value! > top.candidate.value! ? c : top),
    null,
  );
  const list = candidates.map((c) => `${c.model} ${metricText(c.value)}`).join(", ");
  const randomText = `random scoring ${metricText(noise.mean)} ± ${metricText(noise.sd)}`;
  const heterogeneity = best !== null && best.candidate.value! > bar;
  // The one-standard-error rule (module comment, step 3).
  const served =
    heterogeneity && best
      ? measured.find(
          (c) =>
            c === best ||
            (c.candidate.value! > bar &&
              c.candidate.value! >=
                best.candidate.value! -
                  differenceStandardError(best.scores, c.scores, training, groups, outcomes, random)),
        )!.candidate
      : null;

  const overall = averageEffect(
    rows.map((o) => o.group),
    rows.map((o) => o.outcome),
  )!;
  const holdoutGroups = holdout.map((o) => o.group);
  const holdoutOutcomes = holdout.map((o) => o.outcome);
  let holdoutScores: number[];
  let learner: UpliftScorer["learner"];
  let chosen: UpliftModelName | "average_effect";
  let why: string;
  if (served !== null && best !== null) {
    chosen = served.model as UpliftModelName;
    const evaluation = fitLearner(chosen, training, options.seed);
    holdoutScores = holdout.map((o) => learnerUplift(evaluation, o.features));
    learner = fitLearner(chosen, rows, options.seed);
    const rule =
      served === best.candidate
        ? `the best cross-validated Qini, ${metricText(served.value)},`
        : `cross-validated Qini ${metricText(served.value)}, within one standard error of the best (${best.candidate.model}) and earlier in the order of preference,`;
    why = `${chosen}: ${rule} beats random scoring by more than ${RANDOM_MARGIN} standard deviations (${list}; ${randomText}).`;
  } else {
    chosen = "average_effect";
    holdoutScores = holdout.map(() => overall.estimate);
    learner = { model: "average_effect", estimate: overall.estimate };
    why = `No usable heterogeneity: no learner's cross-validated Qini beats random scoring by ${RANDOM_MARGIN} standard deviations (${list}; ${randomText}); everyone gets the average effect, ${metricText(overall.estimate)} (95 % interval ${metricText(overall.low)} to ${metricText(overall.high)}).`;
  }
  const holdoutQini = qiniCoefficient(holdoutScores, holdoutGroups, holdoutOutcomes);
  const holdoutUpliftAt30 = upliftAtK(holdoutScores, holdoutGroups, holdoutOutcomes, 0.3);
  if (training.length < learn.length)
    warnings.push({
      code: "sampled",
      params: { used: training.length, available: learn.length },
      message: `The learners were compared on a seeded sample of ${count(training.length)} of ${count(learn.length)} exposures.`,
    });
  return {
    status: "estimated",
    heterogeneity,
    model: chosen,
    reason: why,
    learner,
    averageEffect: overall,
    holdout: {
      exposures: holdout.length,
      qini: holdoutQini,
      randomQini: randomQini(holdoutGroups, holdoutOutcomes, random),
      upliftAt30: holdoutUpliftAt30,
      averageEffect: averageEffect(holdoutGroups, holdoutOutcomes),
      qiniCurve: reportedQiniCurve(holdoutScores, holdoutGroups, holdoutOutcomes),
    },
    qini: holdoutQini,
    upliftAt30: holdoutUpliftAt30,
    candidates,
    features: [...featureNames],
    warnings,
    sample: { available: learn.length, used: training.length },
    ...counts,
  };
}

/** The candidates in their order of preference (module comment, steps 2 and 3). */
const LEARNERS: readonly UpliftModelName[] = [
  "interaction_logistic",
  "class_transformation",
  "t_learner_logistic",
  "t_learner_forest",
];

/** A fitted learner as plain data: one logistic model (class transformation) or one model per group. */
export type UpliftLearner =
  | { model: "class_transformation"; logistic: LogisticModel }
  | { model: "t_learner_logistic"; treated: LogisticModel; control: LogisticModel }
  | { model: "interaction_logistic"; logistic: LogisticModel }
  | { model: "t_learner_forest"; treated: Forest; control: Forest };

/** A learner's uplift for one feature row, in [-1, 1]. */
function learnerUplift(learner: UpliftLearner, x: readonly number[]): number {
  if (learner.model === "class_transformation") return 2 * predictLogistic(learner.logistic, x) - 1;
  if (learner.model === "t_learner_forest")
    return predictForest(learner.treated, x) - predictForest(learner.control, x);
  if (learner.model === "interaction_logistic")
    return (
      predictLogistic(learner.logistic, withContact(x, 1)) -
      predictLogistic(learner.logistic, withContact(x, 0))
    );
  return predictLogistic(learner.treated, x) - predictLogistic(learner.control, x);
}

/** A row of the interaction model: the features, the contact flag, and the features again when contacted. */
function withContact(x: readonly number[], contacted: 0 | 1): number[] {
  return [...x, contacted, ...x.map((v) => v * contacted)];
}

/** Fits one learner on the observations; throws nothing for data that passed notEstimableReason's checks. */
function fitLearner(
  model: UpliftModelName,
  rows: readonly CampaignObservation[],
  seed: number,
): UpliftLearner {
  const part = (group: ExposureGroup) => rows.filter((o) => o.group === group);
  if (model === "class_transformation") {
    const treatedShare = part("treatment").length / rows.length;
    const logistic = fitLogistic(
      rows.map((o) => o.features),
      rows.map((o) => (o.group === "treatment" ? o.outcome : 1 - o.outcome)),
      {
        l2: LOGISTIC_L2,
        rowWeights: rows.map((o) =>
          o.group === "treatment" ? 0.5 / treatedShare : 0.5 / (1 - treatedShare),
        ),
      },
    );
    return { model, logistic };
  }
  if (model === "interaction_logistic") {
    const width = rows[0]!.features.length;
    const logistic = fitLogistic(
      rows.map((o) => withContact(o.features, o.group === "treatment" ? 1 : 0)),
      rows.map((o) => o.outcome),
      {
        l2: 1,
        penaltyScales: [
          ...new Array<number>(width + 1).fill(LOGISTIC_L2),
          ...new Array<number>(width).fill(INTERACTION_L2),
        ],
      },
    );
    return { model, logistic };
  }
  const data = (group: ExposureGroup) => {
    const members = part(group);
    return { x: members.map((o) => o.features), y: members.map((o) => o.outcome) };
  };
  const treated = data("treatment");
  const control = data("control");
  if (model === "t_learner_forest")
    return {
      model,
      treated: fitForest(treated.x, treated.y, { seed }),
      control: fitForest(control.x, control.y, { seed }),
    };
  return {
    model,
    treated: fitLogistic(treated.x, treated.y, { l2: LOGISTIC_L2 }),
    control: fitLogistic(control.x, control.y, { l2: LOGISTIC_L2 }),
  };
}

/** Out-of-fold uplift scores; null when a training fold lacks a group's buyers or non-buyers. */
function crossValidatedScores(
  rows: readonly CampaignObservation[],
  fold: Int32Array,
  model: UpliftModelName,
  seed: number,
): number[] | null {
  const scores = new Array<number>(rows.length).fill(0);
  for (let f = 0; f < UPLIFT_FOLDS; f++) {
    const part = rows.filter((_, i) => fold[i] !== f);
    if (!hasEveryOutcome(part)) return null;
    const learner = fitLearner(model, part, seed);
    rows.forEach((o, i) => {
      if (fold[i] === f) scores[i] = learnerUplift(learner, o.features);
    });
  }
  return scores;
}

/**
 * Standard error of the difference between two learners' Qini on the same rows: the standard deviation of the
 * difference over BOOTSTRAP_DRAWS resamples of the customers (paired: both learners scored on the same resample).
 */
function differenceStandardError(
  best: readonly number[],
  other: readonly number[],
  rows: readonly CampaignObservation[],
  groups: readonly ExposureGroup[],
  outcomes: readonly number[],
  random: () => number,
): number {
  const { customers, index } = customersOf(rows);
  const rowsOf: number[][] = Array.from({ length: customers }, () => []);
  index.forEach((c, i) => {
    rowsOf[c]!.push(i);
  });
  const differences: number[] = [];
  for (let d = 0; d < BOOTSTRAP_DRAWS; d++) {
    const drawn: number[] = [];
    for (let k = 0; k < customers; k++) drawn.push(...rowsOf[Math.floor(random() * customers)]!);
    const qini = qiniScorer(
      drawn.map((i) => groups[i]!),
      drawn.map((i) => outcomes[i]!),
    );
    const a = qini(drawn.map((i) => best[i]!));
    const b = qini(drawn.map((i) => other[i]!));
    if (a !== null && b !== null) differences.push(a - b);
  }
  return meanAndSpread(differences).sd;
}

/** Mean and sample standard deviation of draws; both 0 with fewer than two draws. */
function meanAndSpread(draws: readonly number[]): { mean: number; sd: number } {
  if (draws.length < 2) return { mean: 0, sd: 0 };
  const mean = draws.reduce((sum, v) => sum + v, 0) / draws.length;
  const sd = Math.sqrt(draws.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (draws.length - 1));
  return { mean, sd };
}

/** Whether both groups hold a buyer and a non-buyer: the least a learner needs. */
function hasEveryOutcome(rows: readonly CampaignObservation[]): boolean {
  const seen = new Set(rows.map((o) => `${o.group}:${o.outcome}`));
  return seen.size === 4;
}

/** Mean and standard deviation of the Qini coefficient of RANDOM_DRAWS random scorings of these rows. */
function randomQini(
  groups: readonly ExposureGroup[],
  outcomes: readonly number[],
  random: () => number,
): { mean: number; sd: number } {
  const qini = qiniScorer(groups, outcomes);
  const draws: number[] = [];
  for (let d = 0; d < RANDOM_DRAWS; d++) {
    const value = qini(groups.map(() => random()));
    if (value !== null) draws.push(value);
  }
  return meanAndSpread(draws);
}

/** Canonical order: by customer, then group, outcome and features, so any input order gives the same fits. */
function compareObservations(a: CampaignObservation, b: CampaignObservation): number {
  const byCustomer = compareIds(a.customerId, b.customerId);
  if (byCustomer !== 0) return byCustomer;
  if (a.group !== b.group) return a.group < b.group ? -1 : 1;
  if (a.outcome !== b.outcome) return a.outcome - b.outcome;
  for (let j = 0; j < a.features.length; j++)
    if (a.features[j] !== b.features[j]) return a.features[j]! - b.features[j]!;
  return 0;
}

/** The distinct customers of canonically sorted rows, in order, with each row's customer index. */
function customersOf(rows: readonly CampaignObservation[]): { customers: number; index: Int32Array } {
  const index = new Int32Array(rows.length);
  let customers = 0;
  rows.forEach((o, i) => {
    if (i > 0 && o.customerId !== rows[i - 1]!.customerId) customers++;
    index[i] = customers;
  });
  return { customers: rows.length > 0 ? customers + 1 : 0, index };
}

/** Holds out `share` of the customers (all of a customer's exposures on one side), seeded. */
function splitByCustomer(
  rows: readonly CampaignObservation[],
  share: number,
  random: () => number,
): { learn: CampaignObservation[]; holdout: CampaignObservation[] } {
  const { customers, index } = customersOf(rows);
  const held = new Uint8Array(customers);
  sampleIndices(customers, Math.round(share * customers), random).forEach((c) => {
    held[c] = 1;
  });
  const learn: CampaignObservation[] = [];
  const holdout: CampaignObservation[] = [];
  rows.forEach((o, i) => {
    (held[index[i]!] ? holdout : learn).push(o);
  });
  return { learn, holdout };
}

/** A seeded fold per row, the same for all exposures of a customer. */
function foldsByCustomer(rows: readonly CampaignObservation[], random: () => number): Int32Array {
  const { customers, index } = customersOf(rows);
  const customerFold = assignFolds(customers, UPLIFT_FOLDS, random);
  return Int32Array.from(index, (c) => customerFold[c]!);
}

/** The reason, in a shop owner's words, why these exposures cannot measure the campaign's effect; null if they can. */
function notEstimableReason(rows: readonly CampaignObservation[]): string | null {
  const treated = rows.filter((o) => o.group === "treatment");
  const control = rows.filter((o) => o.group === "control");
  if (treated.length === 0 && control.length === 0)
    return "No campaign exposures yet, so there is no campaign effect to measure.";
  if (control.length === 0)
    return "No control group: every exposed customer was contacted, so the campaign's effect cannot be measured.";
  if (treated.length === 0)
    return "No treatment group: no exposed customer was contacted, so there is no campaign effect to measure.";
  for (const [name, members] of [
    ["treatment", treated],
    ["control", control],
  ] as const) {
    if (members.length < MIN_CUSTOMERS_PER_GROUP)
      return `Too few customers to measure the campaign's effect: ${members.length} in the ${name} group, at least ${MIN_CUSTOMERS_PER_GROUP} are needed in each group.`;
    const buyers = members.filter((o) => o.outcome === 1).length;
    if (buyers < MIN_OUTCOMES_PER_GROUP)
      return `Too few purchases to measure the campaign's effect: ${buyers} customers in the ${name} group purchased within the campaign window, at least ${MIN_OUTCOMES_PER_GROUP} are needed in each group.`;
    if (members.length - buyers < MIN_OUTCOMES_PER_GROUP)
      return `The campaign's effect cannot be measured: almost every customer in the ${name} group purchased within the campaign window (${members.length - buyers} did not, at least ${MIN_OUTCOMES_PER_GROUP} are needed).`;
  }
  return null;
}

function checkFeatures(
  observations: readonly CampaignObservation[],
  toScore: readonly CustomerToScore[],
): number {
  const width = (observations[0] ?? toScore[0])?.features.length ?? 0;
  for (const row of [...observations, ...toScore]) {
    if (row.features.length !== width)
      throw new RangeError(
        `every customer needs ${width} features, customer ${row.customerId} has ${row.features.length}`,
      );
    if (!row.features.every(Number.isFinite))
      throw new RangeError(`customer ${row.customerId} has a feature that is not a finite number`);
  }
  return width;
}
