/**
 * Customer lifetime value: the net value a customer is expected to bring over the next `horizonDays`, from the
 * candidate whose backtest on the project's own history ranks customers best, and only from BG/NBD when the data
 * identify its dropout process (profile likelihood, bgnbd.ts checkIdentified).
 *
 * Backtest: the backtest horizon is the CLV horizon, shortened to two thirds of the history when the history is
 * shorter than one and a half horizons, so at least a third of the history is left to learn from (a warning says
 * so). cutoff = referenceDate − backtest horizon; the customers who had bought
 * by the cutoff (a seeded sample of at most `maxFitCustomers`) are predicted from their history up to the cutoff
 * and compared with their actual net value (purchases minus returns) in (cutoff, referenceDate]. Quality: Spearman's
 * rank correlation (the metric the choice uses), mean absolute error and predicted / actual total.
 * Candidates:
 * - bgnbd_gamma_gamma: BG/NBD E[purchase days in the horizon | x, t_x, T] x Gamma-Gamma E[value per purchase day];
 *   eligible only when BG/NBD is sound and identified at the cutoff and on the full history;
 * - forest_gamma_gamma: purchase days in the horizon predicted by a random forest from the behaviour features and
 *   extra fields (trained on the backtest window; 5-fold cross-validated in the backtest) x the same Gamma-Gamma
 *   spend: the fallback when BG/NBD is not identified;
 * - past_value: the net value of the last backtest-horizon window, expected to repeat (a baseline, also eligible).
 * Gamma-Gamma needs MIN_REPEAT_BUYERS repeat buyers and q > 1; without them the value per purchase day is the
 * customer's own mean purchase-day value (a warning says so).
 * Choice: the best Spearman; BG/NBD x Gamma-Gamma is kept when within BGNBD_TOLERANCE of it (explainable). The
 * chosen candidate is refitted as of the reference date; the forest's prediction, learned over the backtest
 * horizon, is scaled to the CLV horizon in proportion to time, as is past_value's.
 */
import { BEHAVIOUR_FEATURES, behaviourAsOf } from "./behaviour.js";
import {
  type BgnbdCustomer,
  type BgnbdFit,
  checkIdentified,
  conditionalExpectedPurchases,
  fitBgnbd,
  type IdentifiabilityCheck,
  isDegenerateFit,
} from "./bgnbd.js";
import { assignFolds, FOLDS, outOfFoldPredictions } from "./cross-validation.js";
import {
  type CustomerTimeline,
  DAY_MS,
  firstPurchaseAt,
  netValueBetween,
  purchaseDaysBetween,
  purchaseSummaryAsOf,
} from "./customer-timeline.js";
import { encodeExtraFields, type FieldEncoding, fitExtraFieldEncoder } from "./extra-fields.js";
import { type Forest, fitForest, MODEL_FOREST_TREES, predictForest } from "./forest.js";
import { expectedAverageValue, fitGammaGamma, type GammaGammaFit } from "./gamma-gamma.js";
import {
  type CandidateMetric,
  count,
  type ModelWarning,
  metricText,
  type SampleSize,
  sampledCustomersWarning,
  spearmanStandardError,
} from "./model-report.js";
import { sampleOf, seededRandom } from "./random.js";
import { rfmAsOf } from "./rfm.js";
import { spearman } from "./spearman.js";

export type ClvModelName = "bgnbd_gamma_gamma" | "forest_gamma_gamma" | "past_value";

export interface ClvOptions {
  referenceDate: Date;
  horizonDays: number;
  seed: number;
  /** Backtests and fits use a seeded sample of at most this many customers (default 20,000); all are valued. */
  maxFitCustomers?: number;
  /** The project's first purchase, when the timelines are a sample of it (default: the earliest among them). */
  historyStart?: Date;
  /** The project's customers, when the timelines are a seeded sample of them (a warning reports the sample). */
  population?: number;
}

export interface ClvBacktest {
  horizonDays: number;
  cutoff: Date;
  customers: number;
  /** Per candidate: Spearman with the actual net value, mean absolute error, predicted / actual total. */
  quality: Record<string, { spearman: number | null; meanAbsoluteError: number; totalRatio: number | null }>;
}

export interface ClvResult {
  /** Null when no customer can be valued (no purchase at all). */
  model: ClvModelName | null;
  /** Backtest Spearman of the model that values; null without a backtest. */
  spearman: number | null;
  reason: string;
  candidates: CandidateMetric[];
  backtest: ClvBacktest | null;
  /** BG/NBD's identifiability on the full history; null when BG/NBD could not be fitted. */
  identifiability: IdentifiabilityCheck | null;
  warnings: ModelWarning[];
  features: string[];
  sample: SampleSize;
  values: Map<string, number>;
}

export const BGNBD_TOLERANCE = 0.005;
/** Gamma-Gamma learns spend per purchase from repeat buyers; fewer than this and it is not used. */
export const MIN_REPEAT_BUYERS = 20;
/** A backtest shorter than this says nothing about a lifetime: none is run. */
export const MIN_BACKTEST_DAYS = 14;
const DEFAULT_MAX_FIT_CUSTOMERS = 20_000;

/** Values every customer who had bought by the reference date; see the module comment for the method. */
export function predictLifetimeValue(timelines: readonly CustomerTimeline[], options: ClvOptions): ClvResult {
  const fit = fitLifetimeValue(timelines, options);
  const reference = options.referenceDate.getTime();
  const values = new Map<string, number>();
  if (fit.scorer)
    for (const t of timelines) {
      const value = lifetimeValueOf(fit.scorer, t, reference);
      if (value !== null) values.set(t.customerId, value);
    }
  return { ...fit, values };
}

/**
 * The CLV model that values, as plain data (it crosses to a worker thread and values the customers batch by batch,
 * fitted once on the sample): BG/NBD x spend, the forest's purchase days x spend, or the past value repeated.
 * `spend` is Gamma-Gamma, or null for each customer's own mean purchase-day value.
 */
export type ClvScorer =
  | { model: "bgnbd_gamma_gamma"; horizonDays: number; fit: BgnbdFit; spend: GammaGammaFit | null }
  | {
      model: "forest_gamma_gamma";
      forest: Forest;
      extraFields: FieldEncoding[];
      backtestDays: number;
      scale: number;
      spend: GammaGammaFit | null;
    }
  | { model: "past_value"; backtestDays: number; scale: number };

/** A customer's predicted value, rounded to cents (0 when not finite); null when they had not bought by `reference`. */
export function lifetimeValueOf(scorer: ClvScorer, t: CustomerTimeline, reference: number): number | null {
  if (firstPurchaseAt(t, reference) === null) return null;
  let value: number;
  if (scorer.model === "past_value") value = pastValue(t, reference, scorer.backtestDays) * scorer.scale;
  else {
    const s = purchaseSummaryAsOf(t, reference)!;
    const spend = spendOf(scorer.spend, t, s, reference);
    value =
      scorer.model === "bgnbd_gamma_gamma"
        ? conditionalExpectedPurchases(scorer.fit, scorer.horizonDays, s) * spend
        : predictForest(scorer.forest, clvFeaturesAt(scorer.extraFields, t, reference, scorer.backtestDays)) *
          scorer.scale *
          spend;
  }
  return Number.isFinite(value) ? Math.round(value * 100) / 100 : 0;
}

/** Expected value per purchase day: Gamma-Gamma, or (null) the customer's own mean purchase-day value. */
function spendOf(
  gammaGamma: GammaGammaFit | null,
  t: CustomerTimeline,
  s: BgnbdCustomer & { zbar: number },
  at: number,
): number {
  return gammaGamma ? expectedAverageValue(gammaGamma, s) : rfmAsOf(t, at).grossValue / (s.x + 1);
}

function clvFeaturesAt(
  extraFields: readonly FieldEncoding[],
  t: CustomerTimeline,
  at: number,
  backtestDays: number,
): number[] {
  return [...behaviourAsOf(t, at, backtestDays / 2)!, ...encodeExtraFields(extraFields, t.extra)];
}

/** The CLV model chosen on the customers given (all of a project's, or a sample), with its report and scorer. */
export function fitLifetimeValue(
  timelines: readonly CustomerTimeline[],
  options: ClvOptions,
): Omit<ClvResult, "values"> & { scorer: ClvScorer | null } {
  const { horizonDays } = options;
  if (!(horizonDays > 0)) throw new RangeError(`horizonDays must be positive (got ${horizonDays})`);
  const maxFit = options.maxFitCustomers ?? DEFAULT_MAX_FIT_CUSTOMERS;
  const random = seededRandom(options.seed);
  const reference = options.referenceDate.getTime();
  const buyers = timelines.filter((t) => firstPurchaseAt(t, reference) !== null);
  const warnings: ModelWarning[] = [];
  const empty = { candidates: [], backtest: null, identifiability: null, features: [] };
  if (buyers.length === 0)
    return {
      ...empty,
      model: null,
      spearman: null,
      reason: "No customer has bought yet, so there is no value to predict.",
      warnings,
      sample: { available: 0, used: 0 },
      scorer: null,
    };

  const firstPurchase =
    options.historyStart?.getTime() ??
    buyers.reduce((min, t) => Math.min(min, t.purchaseTimes[0]!), Infinity);
  const historyDays = Math.floor((reference - firstPurchase) / DAY_MS);
  const backtestDays = Math.min(horizonDays, Math.floor((2 * historyDays) / 3));
  if (backtestDays < horizonDays)
    warnings.push({
      code: "short_history",
      params: { historyDays, horizonDays, backtestDays },
      message: `The history spans ${count(historyDays)} days, less than one and a half ${count(horizonDays)}-day horizons: the CLV backtest covers only ${count(backtestDays)} days.`,
    });
  const cutoff = reference - backtestDays * DAY_MS;
  const known = buyers.filter((t) => firstPurchaseAt(t, cutoff) !== null);
  const backtestSet = sampleOf(known, maxFit, random);
  const encoder = fitExtraFieldEncoder(backtestSet.map((t) => t.extra));
  const features = [...BEHAVIOUR_FEATURES, ...encoder.columns];
  const featuresAt = (t: CustomerTimeline, at: number) =>
    clvFeaturesAt(encoder.encodings, t, at, backtestDays);
  const finalSet = sampleOf(buyers, maxFit, random);
  const finalModels = valueModels(finalSet, reference, horizonDays, warnings);

  let backtest: ClvBacktest | null = null;
  const candidates: CandidateMetric[] = [];
  const canBacktest = backtestDays >= MIN_BACKTEST_DAYS && backtestSet.length >= MIN_REPEAT_BUYERS;
  if (!canBacktest) {
    warnings.push({
      code: "no_backtest",
      params: { backtestDays, customers: backtestSet.length },
      message: `No CLV backtest: it would cover ${count(backtestDays)} days and ${count(backtestSet.length)} customers (at least ${MIN_BACKTEST_DAYS} days and ${MIN_REPEAT_BUYERS} customers are needed).`,
    });
  } else {
    const actual = backtestSet.map((t) => netValueBetween(t, cutoff, reference));
    const atCutoff = valueModels(backtestSet, cutoff, backtestDays, []);
    const summaries = backtestSet.map((t) => purchaseSummaryAsOf(t, cutoff)!);
    const spend = summaries.map((s, i) => atCutoff.spend(backtestSet[i]!, s));
    const purchases = backtestSet.map((t) => purchaseDaysBetween(t, cutoff, reference));
    const trainX = backtestSet.map((t) => featuresAt(t, cutoff));
    const forestPurchases = outOfFoldPredictions(
      trainX,
      purchases,
      assignFolds(trainX.length, FOLDS, random),
      (x, y) => {
        const forest = fitForest(x, y, { seed: options.seed, trees: MODEL_FOREST_TREES });
        return (row) => predictForest(forest, row);
      },
    );
    const predictions: Record<ClvModelName, number[] | null> = {
      bgnbd_gamma_gamma: atCutoff.bgnbd
        ? summaries.map(
            (s, i) => conditionalExpectedPurchases(atCutoff.bgnbd!.fit, backtestDays, s) * spend[i]!,
          )
        : null,
      forest_gamma_gamma: forestPurchases?.map((p, i) => p * spend[i]!) ?? null,
      past_value: backtestSet.map((t) => pastValue(t, cutoff, backtestDays)),
    };
    const quality: ClvBacktest["quality"] = {};
    for (const [model, predicted] of Object.entries(predictions) as [ClvModelName, number[] | null][]) {
      if (predicted) quality[model] = backtestQuality(predicted, actual);
      candidates.push({
        model,
        role: "candidate",
        metric: "spearman",
        value: quality[model]?.spearman ?? null,
        ...eligibility(model, atCutoff.bgnbd, finalModels.bgnbd, predicted !== null),
      });
    }
    backtest = {
      horizonDays: backtestDays,
      cutoff: new Date(cutoff),
      customers: backtestSet.length,
      quality,
    };
  }

  const choice = chooseModel(candidates, finalModels.bgnbd);
  if (options.population !== undefined && options.population > timelines.length) {
    const rho = candidates.find((c) => c.model === choice.model)?.value ?? null;
    const standardError = rho === null || !backtest ? null : spearmanStandardError(rho, backtest.customers);
    warnings.push(
      sampledCustomersWarning(timelines.length, options.population, { name: "Spearman", standardError }),
    );
  }
  const scale = horizonDays / Math.max(backtestDays, 1);
  let scorer: ClvScorer;
  if (choice.model === "bgnbd_gamma_gamma")
    scorer = { model: choice.model, horizonDays, fit: finalModels.bgnbd!.fit, spend: finalModels.gammaGamma };
  else if (choice.model === "forest_gamma_gamma")
    scorer = {
      model: choice.model,
      forest: fitForest(
        backtestSet.map((t) => featuresAt(t, cutoff)),
        backtestSet.map((t) => purchaseDaysBetween(t, cutoff, reference)),
        { seed: options.seed, trees: MODEL_FOREST_TREES },
      ),
      extraFields: encoder.encodings,
      backtestDays,
      scale,
      spend: finalModels.gammaGamma,
    };
  else scorer = { model: "past_value", backtestDays, scale };
  return {
    model: choice.model,
    spearman: candidates.find((c) => c.model === choice.model)?.value ?? null,
    reason: choice.reason,
    candidates,
    backtest,
    identifiability: finalModels.bgnbd?.identifiability ?? null,
    warnings,
    features: choice.model === "forest_gamma_gamma" ? features : [],
    sample: { available: known.length, used: backtestSet.length },
    scorer,
  };
}

interface ValueModels {
  /** BG/NBD fitted as of the date with its checks; null when it could not be fitted at all. */
  bgnbd: { fit: BgnbdFit; degenerate: string | null; identifiability: IdentifiabilityCheck } | null;
  /** Gamma-Gamma when usable, else null (each customer's own mean, see spendOf). */
  gammaGamma: GammaGammaFit | null;
  /** Expected value per purchase day of a customer as of the models' date. */
  spend: (timeline: CustomerTimeline, summary: BgnbdCustomer & { zbar: number }) => number;
}

/** BG/NBD (with its soundness and identifiability) and the spend model, fitted on the sample as of `at`. */
function valueModels(
  sample: readonly CustomerTimeline[],
  at: number,
  horizonDays: number,
  warnings: ModelWarning[],
): ValueModels {
  const summaries = sample.map((t) => purchaseSummaryAsOf(t, at)!);
  const fit = fitBgnbd(summaries);
  const finite = [fit.r, fit.alpha, fit.a, fit.b].every(Number.isFinite);
  const degenerate = finite ? isDegenerateFit(fit, summaries, { horizon: horizonDays }) : null;
  const bgnbd = finite
    ? {
        fit,
        degenerate: degenerate!.reason,
        identifiability: degenerate!.degenerate
          ? { identified: false, reason: degenerate!.reason, intervals: [] }
          : checkIdentified(fit, summaries),
      }
    : null;
  const repeat = summaries.filter((s) => s.x > 0 && s.zbar > 0);
  const gammaGamma = repeat.length >= MIN_REPEAT_BUYERS ? fitGammaGamma(repeat) : null;
  const usable =
    gammaGamma !== null && gammaGamma.q > 1 && [gammaGamma.p, gammaGamma.v].every(Number.isFinite);
  if (!usable)
    warnings.push({
      code: "spend_model_unavailable",
      params: { repeatBuyers: repeat.length, minimum: MIN_REPEAT_BUYERS },
      message:
        gammaGamma === null
          ? `Only ${count(repeat.length)} customers bought on more than one day (fewer than ${MIN_REPEAT_BUYERS}): value per purchase is each customer's own average.`
          : "The Gamma-Gamma spend model has no finite population mean (q <= 1): value per purchase is each customer's own average.",
    });
  const spendModel = usable ? gammaGamma : null;
  return { bgnbd, gammaGamma: spendModel, spend: (t, s) => spendOf(spendModel, t, s, at) };
}

/** The net value of the `days` before `at`: what past_value expects to repeat. */
function pastValue(t: CustomerTimeline, at: number, days: number): number {
  return netValueBetween(t, at - days * DAY_MS, at);
}

function backtestQuality(predicted: number[], actual: number[]) {
  let error = 0;
  let predictedTotal = 0;
  let actualTotal = 0;
  predicted.forEach((p, i) => {
    error += Math.abs(p - actual[i]!);
    predictedTotal += p;
    actualTotal += actual[i]!;
  });
  return {
    spearman: spearman(predicted, actual),
    meanAbsoluteError: error / Math.max(predicted.length, 1),
    totalRatio: actualTotal > 0 ? predictedTotal / actualTotal : null,
  };
}

function eligibility(
  model: ClvModelName,
  atCutoff: ValueModels["bgnbd"],
  final: ValueModels["bgnbd"],
  measured: boolean,
): Pick<CandidateMetric, "eligible" | "note"> {
  if (!measured) return { eligible: false, note: "could not be backtested" };
  if (model !== "bgnbd_gamma_gamma") return { eligible: true, note: null };
  for (const [where, bgnbd] of [
    ["at the cutoff", atCutoff],
    ["on the full history", final],
  ] as const) {
    if (bgnbd === null) return { eligible: false, note: `BG/NBD could not be fitted ${where}` };
    if (!bgnbd.identifiability.identified)
      return { eligible: false, note: `BG/NBD ${where}: ${bgnbd.identifiability.reason}` };
  }
  return { eligible: true, note: null };
}

function chooseModel(
  candidates: CandidateMetric[],
  final: ValueModels["bgnbd"],
): { model: ClvModelName; reason: string } {
  const list = candidates.map((c) => `${c.model} ${metricText(c.value)}`).join(", ");
  const eligible = candidates.filter((c) => c.eligible && c.value !== null);
  if (eligible.length > 0) {
    const best = eligible.reduce((top, c) => (c.value! > top.value! ? c : top));
    const bgnbd = eligible.find((c) => c.model === "bgnbd_gamma_gamma");
    if (bgnbd && best.value! - bgnbd.value! <= BGNBD_TOLERANCE)
      return {
        model: "bgnbd_gamma_gamma",
        reason: `BG/NBD x Gamma-Gamma: backtest Spearman ${metricText(bgnbd.value)}, within ${BGNBD_TOLERANCE} of the best (${list}).`,
      };
    const bgnbdNote = candidates.find((c) => c.model === "bgnbd_gamma_gamma")?.note;
    return {
      model: best.model as ClvModelName,
      reason: `${best.model}: the best backtest Spearman, ${metricText(best.value)} (${list}).${bgnbdNote ? ` BG/NBD x Gamma-Gamma is not eligible: ${bgnbdNote}.` : ""}`,
    };
  }
  if (final?.identifiability.identified)
    return {
      model: "bgnbd_gamma_gamma",
      reason: "BG/NBD x Gamma-Gamma without a backtest: BG/NBD is identified.",
    };
  return {
    model: "past_value",
    reason: `past value repeated, without a backtest: BG/NBD is ${final ? `not usable (${final.identifiability.reason})` : "not fitted"}.`,
  };
}
