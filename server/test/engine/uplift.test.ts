import { describe, expect, it } from "vitest";
import { seededRandom } from "../../src/engine/random.js";
import {
  type CampaignObservation,
  type ExposureGroup,
  estimateUplift,
  qiniArea,
  qiniCurve,
  upliftAtK,
} from "../../src/engine/uplift.js";

/**
 * A synthetic campaign: features a, b ~ U(0, 1), half the customers contacted at random, baseline purchase
 * probability 0.1 + 0.1 b, and contact adds `effect` x a: high-a customers respond to the campaign, low-a ones don't.
 */
function campaign(
  customers: number,
  seed: number,
  effect: number,
  treatedShare = 0.5,
): CampaignObservation[] {
  const random = seededRandom(seed);
  return Array.from({ length: customers }, (_, i) => {
    const a = random();
    const b = random();
    const group: ExposureGroup = random() < treatedShare ? "treatment" : "control";
    const purchase = 0.1 + 0.1 * b + (group === "treatment" ? effect * a : 0);
    return { customerId: `c${seed}-${i}`, group, outcome: random() < purchase ? 1 : 0, features: [a, b] };
  });
}

/** Mean and standard deviation of the Qini area of `draws` random scorings: the spread of "no skill". */
function randomScoringAreas(set: CampaignObservation[], seed: number, draws = 50) {
  const random = seededRandom(seed);
  const groups = set.map((o) => o.group);
  const outcomes = set.map((o) => o.outcome);
  const areas = Array.from({ length: draws }, () =>
    qiniArea(
      set.map(() => random()),
      groups,
      outcomes,
    ),
  );
  const mean = areas.reduce((sum, v) => sum + v, 0) / draws;
  const sd = Math.sqrt(areas.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (draws - 1));
  return { mean, sd };
}

const EFFECT = 0.25;
// A perfect ranking of an effect growing linearly from 0 to EFFECT has a Qini area of EFFECT / 12 (see qiniArea).
const PERFECT_AREA = EFFECT / 12;
// Same size as estimateUplift's holdout of 20,000 customers (30 %), so its random-scoring spread applies to it.
const HOLDOUT_SIZE = 6000;

describe("Qini curve and area", () => {
  const groups: ExposureGroup[] = ["treatment", "control", "treatment", "control"];
  const outcomes: (0 | 1)[] = [1, 0, 0, 1];

  it("counts incremental purchases among the top k, 0 before any control customer", () => {
    expect(qiniCurve([3, 2, 1, 0], groups, outcomes)).toEqual([0, 0, 1, 1, 0]);
    // Gaps to the random line (which ends at 0): 0 + 1 + 1, over n x N_T = 4 x 2.
    expect(qiniArea([3, 2, 1, 0], groups, outcomes)).toBeCloseTo(2 / 8, 12);
    expect(qiniArea([0, 1, 2, 3], groups, outcomes)).toBeLessThan(0);
  });

  it("follows the random line for tied scores, whatever the input order", () => {
    expect(qiniCurve([1, 1, 1, 1], groups, outcomes)).toEqual([0, 0, 0, 0, 0]);
    expect(qiniArea([5, 5, 5, 5], groups, outcomes)).toBe(0);
    const scores = [2, 2, 1, 1, 1, 0];
    const sixGroups: ExposureGroup[] = [
      "treatment",
      "control",
      "treatment",
      "control",
      "treatment",
      "control",
    ];
    const sixOutcomes: (0 | 1)[] = [1, 0, 0, 1, 1, 0];
    const permutation = [5, 3, 1, 4, 0, 2];
    const curve = qiniCurve(scores, sixGroups, sixOutcomes);
    expect(curve[2]).toBe(1);
    expect(
      qiniCurve(
        permutation.map((i) => scores[i]!),
        permutation.map((i) => sixGroups[i]!),
        permutation.map((i) => sixOutcomes[i]!),
      ),
    ).toEqual(curve);
  });

  it("gives uplift@k as treated minus control rate in the top share, null when a group is missing", () => {
    expect(upliftAtK([3, 2, 1, 0], groups, outcomes, 0.5)).toBe(1);
    expect(upliftAtK([3, 2, 1, 0], groups, outcomes, 1)).toBe(0);
    expect(upliftAtK([3, 2, 1, 0], groups, outcomes, 0.25)).toBeNull();
  });

  it("is 0 without treated customers and rejects scores that are not numbers", () => {
    expect(qiniArea([1, 2], ["control", "control"], [0, 1])).toBe(0);
    expect(() => qiniCurve([Number.NaN], ["control"], [0])).toThrow(RangeError);
  });
});

describe("uplift estimate (T-learner)", () => {
  it("finds the customers who respond to the campaign when the effect depends on their features", () => {
    const observations = campaign(20_000, 1, EFFECT);
    const evaluation = campaign(20_000, 101, EFFECT);
    const result = estimateUplift(observations, evaluation, { seed: 1 });
    if (result.status !== "estimated") throw new Error(`not estimated: ${result.status}`);

    // On its own holdout: well above what random scoring reaches on a holdout of that size, and near perfect.
    const noSkill = randomScoringAreas(campaign(HOLDOUT_SIZE, 201, EFFECT), 7);
    expect(result.qini).toBeGreaterThan(noSkill.mean + 4 * noSkill.sd);
    expect(result.qini).toBeGreaterThan(0.75 * PERFECT_AREA);
    // The top 30 % by score hold the high-a customers: about 0.21 against 0.125 on average.
    expect(result.upliftAt30).not.toBeNull();
    expect(result.upliftAt30!).toBeGreaterThan(result.averageEffect + 0.05);
    expect(result.averageEffect).toBeCloseTo(EFFECT / 2, 1);
    expect(result.treated + result.control).toBe(20_000);

    // On fresh customers scored by the refitted models, against a random score on the very same customers.
    const groups = evaluation.map((o) => o.group);
    const outcomes = evaluation.map((o) => o.outcome);
    const modelArea = qiniArea(
      evaluation.map((o) => result.scores.get(o.customerId)!),
      groups,
      outcomes,
    );
    const random = seededRandom(3);
    const randomArea = qiniArea(
      evaluation.map(() => random()),
      groups,
      outcomes,
    );
    const sameSetNoSkill = randomScoringAreas(evaluation, 11);
    expect(modelArea - randomArea).toBeGreaterThan(4 * sameSetNoSkill.sd);
    // The true effect (a) as the score is the best ranking possible; the model gets close to it.
    const oracleArea = qiniArea(
      evaluation.map((o) => o.features[0]!),
      groups,
      outcomes,
    );
    expect(modelArea).toBeGreaterThan(0.9 * oracleArea);
  });

  it("scores customers who were never exposed, in the direction of the true effect", () => {
    const result = estimateUplift(
      campaign(20_000, 2, EFFECT),
      [
        { customerId: "keen", features: [0.95, 0.5] },
        { customerId: "indifferent", features: [0.05, 0.5] },
      ],
      { seed: 2 },
    );
    if (result.status !== "estimated") throw new Error(`not estimated: ${result.status}`);
    expect(result.scores.get("keen")).toBeCloseTo(EFFECT * 0.95, 1);
    expect(result.scores.get("indifferent")).toBeCloseTo(EFFECT * 0.05, 1);
  });

  it("reports a Qini area near 0 when the campaign changes nothing", () => {
    const result = estimateUplift(campaign(20_000, 3, 0), [], { seed: 3 });
    if (result.status !== "estimated") throw new Error(`not estimated: ${result.status}`);
    // Tolerance: 4 standard deviations of random scoring on a same-size holdout (about 0.012 here), since with no
    // effect any ranking, the model's included, is a random ranking as far as the holdout outcomes go.
    const noSkill = randomScoringAreas(campaign(HOLDOUT_SIZE, 203, 0), 13);
    expect(Math.abs(result.qini)).toBeLessThan(4 * noSkill.sd);
    expect(Math.abs(result.averageEffect)).toBeLessThan(0.03);
  });

  it("refuses to estimate without a control group, and invents no score", () => {
    const onlyContacted = campaign(5000, 4, EFFECT, 1);
    const result = estimateUplift(onlyContacted, onlyContacted, { seed: 4 });
    expect(result).toEqual({
      status: "not_estimable",
      reason:
        "No control group: every exposed customer was contacted, so the campaign's effect cannot be measured.",
      treated: 5000,
      control: 0,
    });
    expect(result).not.toHaveProperty("scores");
  });

  it("refuses to estimate without treated customers, exposures, enough customers or purchases", () => {
    const reasonFor = (observations: CampaignObservation[]) => {
      const result = estimateUplift(observations, [], { seed: 5 });
      return result.status === "not_estimable" ? result.reason : "estimated";
    };
    expect(reasonFor(campaign(500, 5, EFFECT, 0))).toMatch(/^No treatment group/);
    expect(reasonFor([])).toMatch(/^No campaign exposures yet/);
    expect(reasonFor(campaign(80, 5, EFFECT))).toMatch(
      /in the (treatment|control) group, at least 50 are needed/,
    );
    const noControlBuyer = campaign(2000, 5, EFFECT).map((o) =>
      o.group === "control" ? { ...o, outcome: 0 as const } : o,
    );
    expect(reasonFor(noControlBuyer)).toMatch(
      /^Too few purchases.*0 customers in the control group purchased/,
    );
    const everyoneBought = campaign(2000, 5, EFFECT).map((o) => ({ ...o, outcome: 1 as const }));
    expect(reasonFor(everyoneBought)).toMatch(/almost every customer in the treatment group purchased/);
  });

  it("rejects a holdout share outside [0.1, 0.5] and customers with the wrong number of features", () => {
    const observations = campaign(1000, 6, EFFECT);
    expect(() => estimateUplift(observations, [], { seed: 6, holdoutShare: 0.9 })).toThrow(RangeError);
    expect(() => estimateUplift(observations, [{ customerId: "x", features: [1] }], { seed: 6 })).toThrow(
      /needs 2 features, customer x has 1/,
    );
  });

  it("is deterministic for a seed", () => {
    const observations = campaign(5000, 7, EFFECT);
    const first = estimateUplift(observations, observations, { seed: 42 });
    const again = estimateUplift(observations, observations, { seed: 42 });
    const otherSeed = estimateUplift(observations, observations, { seed: 43 });
    expect(again).toEqual(first);
    if (first.status !== "estimated" || otherSeed.status !== "estimated") throw new Error("not estimated");
    expect(otherSeed.qini).not.toBe(first.qini);
  });

  it("handles 100k exposures in well under 5 s", () => {
    const observations = campaign(100_000, 8, EFFECT);
    const started = performance.now();
    const result = estimateUplift(observations, observations, { seed: 8 });
    const elapsed = performance.now() - started;
    expect(result.status).toBe("estimated");
    expect(elapsed).toBeLessThan(5000);
  });
});
