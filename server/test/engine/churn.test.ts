import { describe, expect, it } from "vitest";
import { type ChurnOptions, churnRiskOf, predictChurn } from "../../src/engine/churn.js";
import type { PurchaseRecord } from "../../src/engine/customer-history.js";
import { buildTimelines, type Transaction } from "../../src/engine/customer-timeline.js";
import { cdnowSamplePurchases, utc } from "./cdnow-data.js";
import { shuffled } from "./shuffle.js";
import { type ShopSpec, syntheticShop } from "./synthetic-shop.js";

/** Churn from purchases only, with the logistic candidate only: what these older cases were written against. */
const scoreChurn = (history: readonly PurchaseRecord[], options: ChurnOptions) =>
  predictChurn(
    buildTimelines(history.map((p) => ({ customerId: p.customerId, at: p.at, amount: p.amount ?? 0 }))),
    { supervised: ["logistic"], ...options },
  );

const thresholds = { medium: 0.5, high: 0.8 };
const shop = (spec: Partial<ShopSpec>) =>
  syntheticShop({
    customers: 1500,
    start: utc("2023-01-01"),
    end: utc("2024-12-31"),
    acquisitionDays: 365,
    r: 2,
    alpha: 60,
    a: 1,
    b: 8,
    seed: 4,
    ...spec,
  });
const transactionsOf = (purchases: ReturnType<typeof shop>): Transaction[] =>
  purchases.map((p) => ({ customerId: p.customerId, at: p.at, amount: p.amount ?? 0 }));

// Generous timeouts: the fits are small, but the machine running the tests may be busy.
describe("churn on CDNOW (39-week calibration, 39-week holdout)", { timeout: 120_000 }, () => {
  const cdnow = transactionsOf(cdnowSamplePurchases());
  // Reference date 1998-06-30 with a 273-day horizon: the cutoff is 1997-09-30, the paper's calibration end.
  const result = predictChurn(buildTimelines(cdnow), {
    referenceDate: utc("1998-06-30"),
    horizonDays: 273,
    thresholds,
    seed: 1,
  });
  const auc = (model: string) => result.candidates.find((c) => c.model === model)!.value!;

  it("backtests every candidate and baseline on the same customers and reports each AUC", () => {
    expect(result.sample).toEqual({ available: 2349, used: 2349 });
    expect(result.candidates.map((c) => [c.model, c.role])).toEqual([
      ["bgnbd", "candidate"],
      ["logistic", "candidate"],
      ["forest", "candidate"],
      ["recency", "baseline"],
      ["frequency", "baseline"],
    ]);
    // BG/NBD's P(no purchase in 39 weeks): ml-reference.md gives AUC 0.757 on all 2,357 customers (here the 8 whose
    // only line is $0 never bought, so they are not scored: 0.756 over all 2,349). The backtest averages the AUC
    // within each of the 40 folds (10-fold, 4 times), which moves an untrained score's AUC by a few thousandths.
    expect(auc("bgnbd")).toBeCloseTo(0.756, 2);
    expect(auc("recency")).toBeCloseTo(0.771, 2);
    expect(auc("frequency")).toBeCloseTo(0.757, 2);
    expect(result.candidates.find((c) => c.model === "logistic")!.note).toBe(
      "10-fold cross-validated 4 times",
    );
    expect(result.backtest).toEqual(Object.fromEntries(result.candidates.map((c) => [c.model, c.value])));
    expect(result.features).toContain("BG/NBD P(no purchase in the horizon)");
  });

  it("chooses the candidate with the best AUC, above every single baseline", () => {
    const best = Math.max(auc("bgnbd"), auc("logistic"), auc("forest"));
    expect(result.auc).toBe(best);
    expect(result.model).toBe(result.candidates.find((c) => c.value === best)!.model);
    expect(result.reason).toMatch(new RegExp(`^${result.model}: the best backtest AUC`));
    // The acceptance: at least 0.01 above the best single baseline (BG/NBD, recency, frequency) on the same
    // customers and folds. Recency alone is strong on CDNOW (0.771); the logistic model is 0.011 to 0.012 above it
    // whatever the fold seed (the test below and npm run report:models).
    expect(result.auc!).toBeGreaterThanOrEqual(
      Math.max(auc("bgnbd"), auc("recency"), auc("frequency")) + 0.01,
    );
    expect(result.scores.size).toBe(2349);
    for (const { churnScore } of result.scores.values()) {
      expect(churnScore).toBeGreaterThanOrEqual(0);
      expect(churnScore).toBeLessThanOrEqual(1);
    }
  });

  it("beats the best single baseline by at least 0.01 whatever the fold seed, on the same folds", {
    timeout: 300_000,
  }, () => {
    for (const seed of [2, 3]) {
      const other = predictChurn(buildTimelines(cdnow), {
        referenceDate: utc("1998-06-30"),
        horizonDays: 273,
        thresholds,
        seed,
      });
      const value = (model: string) => other.backtest[model]!;
      expect(other.model).toBe("logistic");
      expect(other.auc!).toBeGreaterThanOrEqual(
        Math.max(value("bgnbd"), value("recency"), value("frequency")) + 0.01,
      );
    }
  });
});

describe("churn scoring", { timeout: 120_000 }, () => {
  it("keeps BG/NBD on a shop drawn from BG/NBD, where nothing beats it by more than the tolerance", () => {
    const result = scoreChurn(shop({}), {
      referenceDate: utc("2024-12-31"),
      horizonDays: 90,
      thresholds,
      seed: 1,
    });
    expect(result.model).toBe("bgnbd");
    expect(result.auc).toBe(result.backtest.bgnbd);
    expect(result.auc).toBeGreaterThan(0.85);
    expect(result.reason).toMatch(/^BG\/NBD: backtest AUC 0\.\d{3}, within 0.005 of the best \(bgnbd /);
    expect(result.bgnbdFit?.converged).toBe(true);
  });

  it("uses a supervised candidate when BG/NBD is degenerate on a short history, and says why", () => {
    // Four months of a shop where nobody ever drops out: the dropout part of BG/NBD cannot be identified.
    const purchases = shop({
      end: utc("2024-04-30"),
      start: utc("2024-01-01"),
      acquisitionDays: 60,
      a: 0,
      alpha: 40,
    });
    const result = scoreChurn(purchases, {
      referenceDate: utc("2024-04-30"),
      horizonDays: 30,
      thresholds,
      seed: 1,
    });
    expect(["logistic", "forest"]).toContain(result.model);
    expect(result.candidates.find((c) => c.model === "bgnbd")).toMatchObject({
      eligible: false,
      note: expect.stringMatching(/^degenerate at the cutoff: /),
    });
    expect(result.reason).toMatch(/BG\/NBD is not eligible \(degenerate at the cutoff: /);
    expect(result.auc).toBeGreaterThan(0.65);
    expect(result.scores.size).toBe(1500);
  });

  it("reads returns and extra fields: a return does not make a lapsed customer look active", () => {
    const referenceDate = utc("2024-12-31");
    const purchases = transactionsOf(shop({ customers: 600 }));
    const options = { referenceDate, horizonDays: 90, thresholds, seed: 1 };
    const base = predictChurn(buildTimelines(purchases), options);
    const lapsedId = [...base.scores.keys()].find((id) => base.scores.get(id)!.churnScore > 0.9)!;
    const withReturn = [...purchases, { customerId: lapsedId, at: utc("2024-12-30"), amount: -20 }];
    const region = new Map(
      [...base.scores.keys()].map((id, i) => [id, { region: i % 3 ? "north" : "south" }]),
    );
    const result = predictChurn(buildTimelines(withReturn, region), options);
    expect(result.scores.get(lapsedId)!.churnScore).toBeGreaterThan(0.9);
    expect(result.features).toContain("region=south");
  });

  it("applies the risk thresholds exactly at their boundaries", () => {
    expect(churnRiskOf(0.4999999, thresholds)).toBe("low");
    expect(churnRiskOf(0.5, thresholds)).toBe("medium");
    expect(churnRiskOf(0.7999999, thresholds)).toBe("medium");
    expect(churnRiskOf(0.8, thresholds)).toBe("high");
    expect(() =>
      scoreChurn([], {
        referenceDate: utc("2024-01-01"),
        horizonDays: 30,
        thresholds: { medium: 0.9, high: 0.5 },
        seed: 1,
      }),
    ).toThrow(/thresholds.medium must not exceed thresholds.high/);
  });

  it("is deterministic: same data in any order and the same seed give the same scores, also on a sample", () => {
    const purchases = transactionsOf(shop({ customers: 800 }));
    const options = {
      referenceDate: utc("2024-12-31"),
      horizonDays: 90,
      thresholds,
      maxFitCustomers: 400,
      seed: 7,
    };
    const first = predictChurn(buildTimelines(purchases), options);
    const again = predictChurn(buildTimelines(shuffled(purchases, 3)), options);
    expect(again).toEqual(first);
    expect(first.sample).toEqual({ available: first.sample.available, used: 400 });
    const otherSeed = predictChurn(buildTimelines(purchases), { ...options, seed: 8 });
    expect(otherSeed.candidates).not.toEqual(first.candidates);
  });

  it("leaks nothing: purchases after the reference date change no score and no backtest", () => {
    const purchases = transactionsOf(shop({ customers: 500 }));
    const options = { referenceDate: utc("2024-06-30"), horizonDays: 90, thresholds, seed: 2 };
    const before = predictChurn(buildTimelines(purchases.filter((p) => p.at <= utc("2024-06-30"))), options);
    const after = predictChurn(buildTimelines(purchases), options);
    expect(after).toEqual(before);
  });

  it("backtests point in time: more purchases after the cutoff by customers who bought then change no AUC", () => {
    const purchases = transactionsOf(shop({ customers: 500 }));
    const options = { referenceDate: utc("2024-12-31"), horizonDays: 90, thresholds, seed: 3 };
    const cutoff = utc("2024-10-02");
    const boughtAfterCutoff = new Set(purchases.filter((p) => p.at > cutoff).map((p) => p.customerId));
    // Their label (bought in the horizon) stays what it was; only what happened after the cutoff grows.
    const more = [...boughtAfterCutoff].map((customerId) => ({
      customerId,
      at: utc("2024-12-15"),
      amount: 999,
    }));
    const before = predictChurn(buildTimelines(purchases), options);
    const after = predictChurn(buildTimelines([...purchases, ...more]), options);
    expect(boughtAfterCutoff.size).toBeGreaterThan(50);
    expect(after.candidates).toEqual(before.candidates);
    expect(after.scores).not.toEqual(before.scores);
  });

  it("never throws on tiny shops and says what it did", () => {
    const options = { referenceDate: utc("2024-03-01"), horizonDays: 90, thresholds, seed: 1 };
    const empty = scoreChurn([], options);
    expect(empty.scores.size).toBe(0);
    expect(empty.model).toBe("recency_rule");
    expect(empty.warnings.map((w) => w.code)).toEqual(["too_few_customers"]);

    const one = scoreChurn([{ customerId: "solo", at: utc("2024-01-01"), amount: 10 }], options);
    expect(one.model).toBe("recency_rule");
    expect(one.auc).toBeNull();
    expect(one.reason).toMatch(/Only 0 customers had bought by the backtest cutoff.*BG\/NBD is degenerate/);
    // No gap of its own and no repeat buyer to borrow one from: the horizon is the gap, 60 / (60 + 90).
    expect(one.scores.get("solo")).toEqual({ churnScore: 60 / 150, churnRisk: "low" });

    const few = scoreChurn(
      [
        { customerId: "a", at: utc("2024-01-01"), amount: 5 },
        { customerId: "a", at: utc("2024-01-21"), amount: 5 },
        { customerId: "b", at: utc("2024-02-20"), amount: 5 },
        { customerId: "c", at: utc("2024-04-01"), amount: 5 },
      ],
      options,
    );
    expect([...few.scores.keys()]).toEqual(["a", "b"]);
    expect(few.scores.get("a")!.churnScore).toBeCloseTo(40 / 60, 12);
    expect(few.scores.get("b")!.churnScore).toBeCloseTo(10 / 30, 12);
  });
});
