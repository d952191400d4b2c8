import { describe, expect, it } from "vitest";
import { buildTimelines, type Transaction } from "../../src/engine/customer-timeline.js";
import { seededRandom } from "../../src/engine/random.js";
import {
  type CampaignObservation,
  type ExposureGroup,
  estimateCampaignUplift,
  estimateUplift,
} from "../../src/engine/uplift.js";
import { averageEffect, qiniCoefficient, qiniCurve, upliftAtK } from "../../src/engine/uplift-metrics.js";
import { shuffled } from "./shuffle.js";
import {
  campaignWithFreshCustomers,
  EXPOSED_AT,
  heterogeneousEffect,
  REFERENCE_DATE,
  syntheticCampaign,
  WINDOW_DAYS,
} from "./synthetic-campaign.js";

const DAY_MS = 86_400_000;
const exposedAt = EXPOSED_AT;
const referenceDate = REFERENCE_DATE;
const options = { referenceDate, windowDays: WINDOW_DAYS, seed: 1 };

describe("uplift metrics (scikit-uplift 0.5.1 definitions)", () => {
  // score, group, outcome; worked through by hand in the comments below.
  const scores = [0.9, 0.8, 0.8, 0.5, 0.3, 0.1];
  const groups: ExposureGroup[] = ["treatment", "control", "treatment", "control", "treatment", "control"];
  const outcomes = [1, 0, 0, 1, 1, 0];

  it("evaluates the Qini curve where the score changes, ties reversed as numpy's argsort()[::-1] orders them", () => {
    // Order 0, 2, 1, 3, 4, 5. Points: 1 row (Y_t 1) -> 1; 3 rows (Y_t 1, N_t 2, N_c 1, Y_c 0) -> 1;
    // 4 rows (Y_c 1, N_c 2) -> 1 - 1 x 2/2 = 0; 5 rows (Y_t 2, N_t 3) -> 2 - 1 x 3/2 = 0.5; 6 rows -> 2 - 1 = 1.
    expect(qiniCurve(scores, groups, outcomes)).toEqual({
      targeted: [0, 1, 3, 4, 5, 6],
      incremental: [0, 1, 1, 0, 0.5, 1],
    });
  });

  it("normalizes the area between the curve and the random line by the perfect curve's", () => {
    // Model: trapezoids 0.5 + 2 + 0.5 + 0.25 + 0.75 = 4. Random line to (6, 1): 3. Perfect ordering (treated
    // buyers, then non-buyers, then control buyers): points (2, 2), (5, 2), (6, 1), area 9.5. (4 - 3) / (9.5 - 3).
    expect(qiniCoefficient(scores, groups, outcomes)).toBeCloseTo(1 / 6.5, 12);
    const perfect = outcomes.map((y, i) => (groups[i] === "treatment" ? y : -y));
    expect(qiniCoefficient(perfect, groups, outcomes)).toBe(1);
    expect(qiniCoefficient([1, 1, 1, 1, 1, 1], groups, outcomes)).toBe(0);
    expect(
      qiniCoefficient(
        perfect.map((s) => -s),
        groups,
        outcomes,
      ),
    ).toBeLessThan(0);
    expect(qiniCoefficient([], [], [])).toBeNull();
  });

  it("takes uplift@k over the top floor(n k) rows, null when a group is absent there", () => {
    // Top 3 (rows 0, 2, 1): treated 1/2, control 0/1.
    expect(upliftAtK(scores, groups, outcomes, 0.5)).toBe(0.5);
    expect(upliftAtK(scores, groups, outcomes, 0.3)).toBeNull();
    // floor(6 x 0.34) = 2: rows 0 and 2 (the later of the tied rows first), both treated.
    expect(upliftAtK(scores, groups, outcomes, 0.34)).toBeNull();
    expect(() => upliftAtK(scores, groups, outcomes, 1)).toThrow(RangeError);
    expect(() => qiniCurve([Number.NaN], ["control"], [0])).toThrow(RangeError);
  });

  it("gives the average effect with a 95 % interval", () => {
    const effect = averageEffect(groups, outcomes)!;
    expect(effect.estimate).toBeCloseTo(2 / 3 - 1 / 3, 12);
    const se = Math.sqrt(((2 / 3) * (1 / 3)) / 3 + ((1 / 3) * (2 / 3)) / 3);
    expect(effect.low).toBeCloseTo(effect.estimate - 1.96 * se, 12);
    expect(effect.high).toBeCloseTo(effect.estimate + 1.96 * se, 12);
    expect(averageEffect(["control"], [1])).toBeNull();
  });
});

/** The campaign's uplift, and the fresh customers' groups and outcomes to judge its served scores. */
function campaignWithEvaluation(effect: Parameters<typeof campaignWithFreshCustomers>[0]) {
  const { timelines, exposures, fresh } = campaignWithFreshCustomers(effect);
  const result = estimateCampaignUplift(exposures, timelines, options);
  if (result.status !== "estimated") throw new Error(`not estimated: ${result.reason}`);
  const groups = fresh.exposures.map((e) => e.group);
  const outcomes = fresh.exposures.map((e) => e.outcome);
  return { result, fresh, groups, outcomes };
}

describe("uplift with every covariate", { timeout: 120_000 }, () => {
  it("serves scores whose Qini is at least 80 % of the true effect's when the effect depends on region and recency", () => {
    const { result, fresh, groups, outcomes } = campaignWithEvaluation(heterogeneousEffect);
    expect(result.heterogeneity).toBe(true);
    expect(result.model).not.toBe("average_effect");
    expect(result.reason).toMatch(/beats random scoring by more than 3 standard deviations/);
    const served = qiniCoefficient(
      fresh.exposures.map((e) => result.scores.get(e.customerId)!),
      groups,
      outcomes,
    )!;
    const oracle = qiniCoefficient(
      fresh.customers.map((c) => c.effect),
      groups,
      outcomes,
    )!;
    expect(oracle).toBeGreaterThan(0.1);
    expect(served).toBeGreaterThanOrEqual(0.8 * oracle);
    // The held-out split's report: Qini well above random scoring's spread, the top 30 % above the average.
    const { holdout } = result;
    expect(holdout.exposures).toBe(3000);
    expect(holdout.qini!).toBeGreaterThan(holdout.randomQini.mean + 3 * holdout.randomQini.sd);
    expect(holdout.upliftAt30!).toBeGreaterThan(result.averageEffect.estimate);
    expect(result.qini).toBe(holdout.qini);
    expect(result.candidates.map((c) => c.model)).toEqual([
      "interaction_logistic",
      "class_transformation",
      "t_learner_logistic",
      "t_learner_forest",
    ]);
    // Every extra field is read, except the identifier.
    expect(result.features).toEqual(
      expect.arrayContaining([
        "recency (log days since the last purchase)",
        "age",
        "newsletter",
        "region=north",
      ]),
    );
    expect(result.features.some((f) => f.startsWith("member_code"))).toBe(false);
    expect(result.warnings.map((w) => w.code)).toEqual(["extra_field_dropped"]);
  });

  it("says there is no usable heterogeneity when the effect is the same for everyone, and scores the average", () => {
    const { result } = campaignWithEvaluation(() => 0.05);
    expect(result.heterogeneity).toBe(false);
    expect(result.model).toBe("average_effect");
    expect(result.reason).toMatch(/^No usable heterogeneity: /);
    const { estimate, low, high } = result.averageEffect;
    expect(low).toBeLessThanOrEqual(0.05);
    expect(high).toBeGreaterThanOrEqual(0.05);
    expect(new Set(result.scores.values())).toEqual(new Set([estimate]));
    expect(result.holdout.qini).toBe(0);
  });

  it("counts exposures whose window is still open instead of learning from them", () => {
    const campaign = syntheticCampaign({ customers: 3000, seed: 3, exposedAt, effect: heterogeneousEffect });
    const late = campaign.exposures
      .slice(0, 400)
      .map((e) => ({ ...e, exposedAt: new Date(referenceDate.getTime() - 10 * DAY_MS) }));
    const result = estimateCampaignUplift(
      [...campaign.exposures.slice(400), ...late],
      buildTimelines(campaign.transactions, campaign.extra),
      options,
    );
    if (result.status !== "estimated") throw new Error(result.reason);
    expect(result.treated + result.control).toBe(2600);
    expect(result.warnings[0]).toEqual({
      code: "windows_open",
      params: { exposures: 400, windowDays: 30 },
      message: "400 exposures wait for their 30-day window to close.",
    });
  });

  it("learns point in time: purchases after the windows change no training feature, outcome or metric", () => {
    const campaign = syntheticCampaign({ customers: 3000, seed: 4, exposedAt, effect: heterogeneousEffect });
    const later: Transaction[] = campaign.customers
      .filter((_, i) => i % 3 === 0)
      .flatMap((c, i) => [
        {
          customerId: c.customerId,
          at: new Date(exposedAt.getTime() + (WINDOW_DAYS + 2) * DAY_MS),
          amount: 90 + i,
        },
        { customerId: c.customerId, at: new Date(referenceDate.getTime() + DAY_MS), amount: 15 },
      ]);
    const before = estimateCampaignUplift(
      campaign.exposures,
      buildTimelines(campaign.transactions, campaign.extra),
      options,
    );
    const after = estimateCampaignUplift(
      campaign.exposures,
      buildTimelines([...campaign.transactions, ...later], campaign.extra),
      options,
    );
    if (before.status !== "estimated" || after.status !== "estimated") throw new Error("not estimated");
    const learned = ({ candidates, holdout, averageEffect: ate, heterogeneity, model }: typeof before) => ({
      candidates,
      holdout,
      ate,
      heterogeneity,
      model,
    });
    expect(learned(after)).toEqual(learned(before));
  });

  it("is deterministic: the same data in any order with the same seed gives the same scores", () => {
    const campaign = syntheticCampaign({ customers: 3000, seed: 5, exposedAt, effect: heterogeneousEffect });
    const first = estimateCampaignUplift(
      campaign.exposures,
      buildTimelines(campaign.transactions, campaign.extra),
      options,
    );
    const again = estimateCampaignUplift(
      shuffled(campaign.exposures, 1),
      buildTimelines(shuffled(campaign.transactions, 2), new Map(shuffled([...campaign.extra], 3))),
      options,
    );
    expect(again).toEqual(first);
    const otherSeed = estimateCampaignUplift(
      campaign.exposures,
      buildTimelines(campaign.transactions, campaign.extra),
      { ...options, seed: 2 },
    );
    if (first.status !== "estimated" || otherSeed.status !== "estimated") throw new Error("not estimated");
    expect(otherSeed.holdout).not.toEqual(first.holdout);
  });
});

/** Exposures with given features: a, b ~ U(0, 1); contact adds `effect` x a to a 0.1 + 0.1 b baseline. */
function observations(
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

describe("uplift refuses what it cannot measure", () => {
  it("a shop without any campaign exposure: not estimable, said plainly (the customers' features are never counted)", () => {
    const timelines = buildTimelines(
      [{ customerId: "a", at: new Date("2026-01-05T10:00:00Z"), amount: 20 }],
      new Map([["a", { region: "north" }]]),
    );
    const result = estimateCampaignUplift([], timelines, {
      referenceDate: new Date("2026-03-01T00:00:00Z"),
      windowDays: 30,
      seed: 1,
    });
    expect(result.status).toBe("not_estimable");
    expect(result.status === "not_estimable" && result.reason).toBe(
      "No campaign exposures yet, so there is no campaign effect to measure.",
    );
  });

  it("refuses to estimate without a control group, and invents no score", () => {
    const onlyContacted = observations(2000, 4, 0.25, 1);
    const result = estimateUplift(onlyContacted, onlyContacted, { seed: 4 });
    expect(result).toEqual({
      status: "not_estimable",
      reason:
        "No control group: every exposed customer was contacted, so the campaign's effect cannot be measured.",
      treated: 2000,
      control: 0,
      warnings: [],
    });
  });

  it("refuses without treated customers, exposures, enough customers or purchases", () => {
    const reasonFor = (rows: CampaignObservation[]) => {
      const result = estimateUplift(rows, [], { seed: 5 });
      return result.status === "not_estimable" ? result.reason : "estimated";
    };
    expect(reasonFor(observations(500, 5, 0.25, 0))).toMatch(/^No treatment group/);
    expect(reasonFor([])).toMatch(/^No campaign exposures yet/);
    expect(reasonFor(observations(80, 5, 0.25))).toMatch(
      /in the (treatment|control) group, at least 50 are needed/,
    );
    const noControlBuyer = observations(2000, 5, 0.25).map((o) =>
      o.group === "control" ? { ...o, outcome: 0 as const } : o,
    );
    expect(reasonFor(noControlBuyer)).toMatch(
      /^Too few purchases.*0 customers in the control group purchased/,
    );
    const everyoneBought = observations(2000, 5, 0.25).map((o) => ({ ...o, outcome: 1 as const }));
    expect(reasonFor(everyoneBought)).toMatch(/almost every customer in the treatment group purchased/);
  });

  it("rejects a holdout share outside [0.1, 0.5], customers with the wrong number of features and bad names", () => {
    const rows = observations(1000, 6, 0.25);
    expect(() => estimateUplift(rows, [], { seed: 6, holdoutShare: 0.9 })).toThrow(RangeError);
    expect(() => estimateUplift(rows, [{ customerId: "x", features: [1] }], { seed: 6 })).toThrow(
      /needs 2 features, customer x has 1/,
    );
    expect(() => estimateUplift(rows, [], { seed: 6, featureNames: ["a"] })).toThrow(
      /1 feature names for 2 features/,
    );
  });

  it("learns from a bounded sample of the exposures and says so", () => {
    const result = estimateUplift(observations(4000, 7, 0.25), [], { seed: 7, maxTrainExposures: 1000 });
    if (result.status !== "estimated") throw new Error(result.reason);
    expect(result.sample).toEqual({ available: 2800, used: 1000 });
    expect(result.warnings.map((w) => w.code)).toEqual(["sampled"]);
  });
});
