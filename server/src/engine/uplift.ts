/**
 * Campaign uplift: how much more likely a customer is to purchase because a campaign contacted them, estimated
 * from exposures with a treatment group (contacted) and a control group (held out). A two-model T-learner: one
 * logistic model per group, uplift score = P(purchase | contacted, features) - P(purchase | held out, features).
 * The estimate is checked on a seeded holdout (Qini area, uplift@30%), then both models are refitted on every
 * exposure to score any customer, exposed or not, so the next campaign can target the persuadable ones.
 */
import { fitLogistic, type LogisticModel, predictLogistic } from "./logistic.js";
import { sampleIndices, seededRandom } from "./random.js";

export type ExposureGroup = "treatment" | "control";

/** One customer's exposure to a campaign and whether they purchased within the campaign's window. */
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

export interface UpliftOptions {
  seed: number;
  /** Share of each group held out to evaluate the estimate, in [0.1, 0.5]; default 0.3. */
  holdoutShare?: number;
  /** L2 penalty of both logistic models. */
  l2?: number;
}

export type UpliftResult =
  | {
      status: "estimated";
      /** Uplift score per customer of `toScore`, in [-1, 1]. */
      scores: Map<string, number>;
      /** Qini area on the holdout (see `qiniArea`): about 0 for random scoring, positive when targeting helps. */
      qini: number;
      /** Treated minus control purchase rate among the top 30 % of the holdout by score (null: a group is absent). */
      upliftAt30: number | null;
      /** Treated minus control purchase rate on the whole holdout. */
      averageEffect: number;
      treated: number;
      control: number;
      model: "t-learner-logistic";
    }
  | { status: "not_estimable"; reason: string; treated: number; control: number };

/** Below this many exposed customers in a group, a per-group model would learn noise. */
export const MIN_CUSTOMERS_PER_GROUP = 50;
/** Each group needs this many buyers and this many non-buyers: a model cannot learn a purchase it never saw. */
export const MIN_OUTCOMES_PER_GROUP = 5;

const DEFAULT_HOLDOUT_SHARE = 0.3;

export function estimateUplift(
  observations: CampaignObservation[],
  toScore: CustomerToScore[],
  options: UpliftOptions,
): UpliftResult {
  const holdoutShare = options.holdoutShare ?? DEFAULT_HOLDOUT_SHARE;
  // At least 0.1 so that, with the minimums below, both groups reach the holdout; at most 0.5 to keep most to learn.
  if (!(holdoutShare >= 0.1 && holdoutShare <= 0.5))
    throw new RangeError(`holdoutShare must be in [0.1, 0.5], got ${holdoutShare}`);
  checkFeatures(observations, toScore);

  const treated = observations.filter((o) => o.group === "treatment");
  const control = observations.filter((o) => o.group === "control");
  const counts = { treated: treated.length, control: control.length };
  const reason = notEstimableReason(treated, control);
  if (reason !== null) return { status: "not_estimable", reason, ...counts };

  const { train, holdout } = stratifiedSplit(observations, holdoutShare, seededRandom(options.seed));
  const evaluationModels = fitTLearner(train, options.l2);
  const holdoutScores = holdout.map((o) => upliftScore(evaluationModels, o.features));
  const holdoutGroups = holdout.map((o) => o.group);
  const holdoutOutcomes = holdout.map((o) => o.outcome);

  const models = fitTLearner(observations, options.l2);
  const scores = new Map(toScore.map((c) => [c.customerId, upliftScore(models, c.features)]));
  return {
    status: "estimated",
    scores,
    qini: qiniArea(holdoutScores, holdoutGroups, holdoutOutcomes),
    upliftAt30: upliftAtK(holdoutScores, holdoutGroups, holdoutOutcomes, 0.3),
    // Both groups keep their share in the stratified holdout, so the whole-holdout rate difference exists.
    averageEffect: upliftAtK(holdoutScores, holdoutGroups, holdoutOutcomes, 1) ?? 0,
    ...counts,
    model: "t-learner-logistic",
  };
}

/**
 * The Qini curve: entry k (0..n) is the incremental purchases among the top k customers by score,
 * Y_T(k) - Y_C(k) * N_T(k) / N_C(k) (0 while N_C(k) = 0). Customers with tied scores cannot be ordered, so the
 * curve is evaluated at the end of each run of ties and interpolated linearly inside it: a constant score gives
 * the random line exactly, and the input order never matters.
 */
export function qiniCurve(scores: number[], groups: ExposureGroup[], outcomes: (0 | 1)[]): number[] {
  const order = rankByScore(scores);
  const n = order.length;
  const curve = new Array<number>(n + 1).fill(0);
  let treatedBuyers = 0;
  let controlBuyers = 0;
  let treatedCount = 0;
  let controlCount = 0;
  for (let start = 0; start < n; ) {
    let end = start;
    const tiedScore = scores[order[start]!]!;
    for (; end < n && scores[order[end]!] === tiedScore; end++) {
      const i = order[end]!;
      if (groups[i] === "treatment") {
        treatedCount++;
        treatedBuyers += outcomes[i]!;
      } else {
        controlCount++;
        controlBuyers += outcomes[i]!;
      }
    }
    const value = controlCount === 0 ? 0 : treatedBuyers - (controlBuyers * treatedCount) / controlCount;
    const from = curve[start]!;
    for (let k = start + 1; k <= end; k++) curve[k] = from + ((value - from) * (k - start)) / (end - start);
    start = end;
  }
  return curve;
}

/**
 * The Qini area: the area between the Qini curve and the random line (from (0, 0) to (n, Qini(n))), with the
 * curve's x axis as the share of customers targeted (k / n) and its y axis as incremental purchases per treated
 * customer (Qini(k) / N_T). In those units the curve ends at the average effect, random scoring gives about 0,
 * a useful score a positive number, and a harmful one a negative number. For an effect growing linearly from 0
 * to e over the customers, a perfect ranking gives e / 12. 0 without treated customers.
 */
export function qiniArea(scores: number[], groups: ExposureGroup[], outcomes: (0 | 1)[]): number {
  const n = scores.length;
  const treatedCount = groups.filter((g) => g === "treatment").length;
  if (n === 0 || treatedCount === 0) return 0;
  const curve = qiniCurve(scores, groups, outcomes);
  const end = curve[n]!;
  // Both curves start and end together, so the trapezoid rule reduces to a plain sum of the gaps.
  let gap = 0;
  for (let k = 1; k < n; k++) gap += curve[k]! - (end * k) / n;
  return gap / (n * treatedCount);
}

/**
 * Treated minus control purchase rate among the top `fraction` of customers by score (ties broken by input
 * order); null when the top has no treated or no control customer, since there is then nothing to compare.
 */
export function upliftAtK(
  scores: number[],
  groups: ExposureGroup[],
  outcomes: (0 | 1)[],
  fraction: number,
): number | null {
  const order = rankByScore(scores);
  const top = order.slice(0, Math.max(1, Math.round(fraction * order.length)));
  let treatedBuyers = 0;
  let controlBuyers = 0;
  let treatedCount = 0;
  let controlCount = 0;
  for (const i of top) {
    if (groups[i] === "treatment") {
      treatedCount++;
      treatedBuyers += outcomes[i]!;
    } else {
      controlCount++;
      controlBuyers += outcomes[i]!;
    }
  }
  if (treatedCount === 0 || controlCount === 0) return null;
  return treatedBuyers / treatedCount - controlBuyers / controlCount;
}

interface TLearner {
  treated: LogisticModel;
  control: LogisticModel;
}

function fitTLearner(observations: CampaignObservation[], l2: number | undefined): TLearner {
  const fit = (group: ExposureGroup) => {
    const members = observations.filter((o) => o.group === group);
    return fitLogistic(
      members.map((o) => o.features),
      members.map((o) => o.outcome),
      { l2 },
    );
  };
  return { treated: fit("treatment"), control: fit("control") };
}

function upliftScore(models: TLearner, features: number[]): number {
  return predictLogistic(models.treated, features) - predictLogistic(models.control, features);
}

/** The reason, in a shop owner's words, why these exposures cannot measure the campaign's effect; null if they can. */
function notEstimableReason(treated: CampaignObservation[], control: CampaignObservation[]): string | null {
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

/**
 * Holds out `share` of every group-and-outcome stratum, so both sides keep the treated/control mix and even rare
 * purchases land in both the training and the evaluation data.
 */
function stratifiedSplit(
  observations: CampaignObservation[],
  share: number,
  random: () => number,
): { train: CampaignObservation[]; holdout: CampaignObservation[] } {
  const strata = new Map<string, CampaignObservation[]>();
  for (const key of ["treatment:1", "treatment:0", "control:1", "control:0"]) strata.set(key, []);
  for (const o of observations) strata.get(`${o.group}:${o.outcome}`)!.push(o);
  const train: CampaignObservation[] = [];
  const holdout: CampaignObservation[] = [];
  for (const members of strata.values()) {
    const shuffled = sampleIndices(members.length, members.length, random);
    const held = Math.round(share * members.length);
    for (const [rank, i] of shuffled.entries()) (rank < held ? holdout : train).push(members[i]!);
  }
  return { train, holdout };
}

/** Indices by score, highest first; ties keep input order so a ranking is reproducible. */
function rankByScore(scores: number[]): number[] {
  if (!scores.every(Number.isFinite)) throw new RangeError("uplift scores must be finite numbers");
  return scores.map((_, i) => i).sort((i, j) => scores[j]! - scores[i]! || i - j);
}

function checkFeatures(observations: CampaignObservation[], toScore: CustomerToScore[]): void {
  const width = (observations[0] ?? toScore[0])?.features.length ?? 0;
  for (const row of [...observations, ...toScore]) {
    if (row.features.length !== width)
      throw new RangeError(
        `every customer needs ${width} features, customer ${row.customerId} has ${row.features.length}`,
      );
    if (!row.features.every(Number.isFinite))
      throw new RangeError(`customer ${row.customerId} has a feature that is not a finite number`);
  }
}
