import { describe, expect, it } from "vitest";
import { churnFeatures, churnRiskOf, LOGISTIC_MARGIN, scoreChurn } from "../../src/engine/churn.js";
import { purchaseDaysByCustomer, utcDay } from "../../src/engine/customer-history.js";
import { cdnowSamplePurchases, utc } from "./cdnow-data.js";
import { type ShopSpec, syntheticShop } from "./synthetic-shop.js";

const thresholds = { medium: 0.5, high: 0.8 };
const shop = (spec: Partial<ShopSpec>) =>
  syntheticShop({
    customers: 2000,
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

describe("churn scoring", () => {
  it("backtests both models on CDNOW (39-week horizon) and reports the chosen model's AUC", () => {
    const result = scoreChurn(cdnowSamplePurchases(), {
      referenceDate: utc("1998-06-30"),
      horizonDays: 273,
      thresholds,
      seed: 1,
    });
    expect(result.scores.size).toBe(2357);
    // The cutoff is 1997-09-30: the BG/NBD backtest is the paper's calibration/holdout split.
    expect(result.backtest.bgnbd).toBeGreaterThanOrEqual(0.75);
    expect(result.backtest.logistic).toBeGreaterThan(0.7);
    const logisticWins = result.backtest.logistic! > result.backtest.bgnbd! + LOGISTIC_MARGIN;
    expect(result.model).toBe(logisticWins ? "logistic" : "bgnbd");
    expect(result.auc).toBe(result.backtest[result.model as "bgnbd" | "logistic"]);
    expect(result.reason).toMatch(/AUC/);
    expect(result.bgnbdFit?.converged).toBe(true);
    for (const { churnScore } of result.scores.values()) expect(churnScore).toBeGreaterThanOrEqual(0);
  });

  it("keeps BG/NBD on a shop drawn from BG/NBD", () => {
    const result = scoreChurn(shop({}), {
      referenceDate: utc("2024-12-31"),
      horizonDays: 90,
      thresholds,
      seed: 1,
    });
    expect(result.model).toBe("bgnbd");
    expect(result.auc).toBe(result.backtest.bgnbd);
    expect(result.auc).toBeGreaterThan(0.8);
    expect(result.reason).toMatch(/^BG\/NBD: backtest AUC/);
  });

  it("falls back to the logistic model when BG/NBD is degenerate on a short history, and says why", () => {
    // Four months of a shop where nobody ever drops out: the dropout part of BG/NBD cannot be identified.
    const purchases = shop({
      end: utc("2024-04-30"),
      start: utc("2024-01-01"),
      acquisitionDays: 60,
      a: 0,
      r: 2,
      alpha: 40,
    });
    const result = scoreChurn(purchases, {
      referenceDate: utc("2024-04-30"),
      horizonDays: 30,
      thresholds,
      seed: 1,
    });
    expect(result.model).toBe("logistic");
    expect(result.auc).toBe(result.backtest.logistic);
    expect(result.auc).toBeGreaterThan(0.6);
    expect(result.reason).toMatch(/^logistic fallback: BG\/NBD is degenerate \(at the cutoff: /);
    expect(result.scores.size).toBe(2000);
  });

  it("computes the fallback's features identically at any date", () => {
    const history = purchaseDaysByCustomer([
      { customerId: "a", at: utc("2024-01-01"), amount: 10 },
      { customerId: "a", at: utc("2024-01-11"), amount: 20 },
      { customerId: "a", at: utc("2024-01-31"), amount: 30 },
    ]).get("a")!;
    const day = utcDay(utc("2024-02-10"));
    // recency, frequency, tenure, log1p(monetary), average gap, purchase days in (day − 30, day]: Jan 11 is out.
    expect(churnFeatures(history, day, 30)).toEqual([10, 3, 40, Math.log1p(60), 15, 1]);
    expect(churnFeatures(history, utcDay(utc("2024-01-05")), 30)).toEqual([4, 1, 4, Math.log1p(10), 4, 1]);
    expect(churnFeatures(history, utcDay(utc("2023-12-31")), 30)).toBeNull();
  });

  it("applies the risk thresholds exactly at their boundaries", () => {
    expect(churnRiskOf(0.4999999, thresholds)).toBe("low");
    expect(churnRiskOf(0.5, thresholds)).toBe("medium");
    expect(churnRiskOf(0.7999999, thresholds)).toBe("medium");
    expect(churnRiskOf(0.8, thresholds)).toBe("high");
    const options = { referenceDate: utc("2024-12-31"), horizonDays: 90, seed: 1 };
    const purchases = shop({ customers: 300 });
    const first = scoreChurn(purchases, { ...options, thresholds });
    const [id, { churnScore }] = [...first.scores][0]!;
    const at = (medium: number, high: number) =>
      scoreChurn(purchases, { ...options, thresholds: { medium, high } }).scores.get(id)!.churnRisk;
    expect(at(churnScore, 1)).toBe("medium");
    expect(at(0, churnScore)).toBe("high");
    expect(at(Math.min(1, churnScore + 1e-9), 1)).toBe("low");
  });

  it("is deterministic: the same seed gives the same output, even when fitting on a sample", () => {
    const purchases = shop({ customers: 3000 });
    const options = { referenceDate: utc("2024-12-31"), horizonDays: 90, thresholds, maxFitCustomers: 1000 };
    const a = scoreChurn(purchases, { ...options, seed: 7 });
    const b = scoreChurn(purchases, { ...options, seed: 7 });
    expect(b).toEqual(a);
    const c = scoreChurn(purchases, { ...options, seed: 8 });
    expect(c.bgnbdFit?.r).not.toBe(a.bgnbdFit?.r);
  });

  it("never throws on tiny shops and says what it did", () => {
    const options = { referenceDate: utc("2024-03-01"), horizonDays: 90, thresholds, seed: 1 };
    const empty = scoreChurn([], options);
    expect(empty.scores.size).toBe(0);
    expect(empty.model).toBe("recency_rule");

    const one = scoreChurn([{ customerId: "solo", at: utc("2024-01-01") }], options);
    expect(one.model).toBe("recency_rule");
    expect(one.auc).toBeNull();
    expect(one.reason).toMatch(/no backtest .*BG\/NBD is degenerate/);
    // No gap of its own and no repeat buyer to borrow one from: the horizon is the gap, 60 / (60 + 90).
    expect(one.scores.get("solo")).toEqual({ churnScore: 60 / 150, churnRisk: "low" });

    const few = scoreChurn(
      [
        { customerId: "a", at: utc("2024-01-01") },
        { customerId: "a", at: utc("2024-01-21") },
        { customerId: "b", at: utc("2024-02-20") },
        { customerId: "c", at: utc("2024-04-01") },
      ],
      options,
    );
    expect([...few.scores.keys()]).toEqual(["a", "b"]);
    expect(few.scores.get("a")!.churnScore).toBeCloseTo(40 / 60, 12);
    expect(few.scores.get("b")!.churnScore).toBeCloseTo(10 / 30, 12);
  });

  it("scores 100k customers with about 10 purchases each in well under 10 s", () => {
    const purchases = shop({ customers: 100_000, alpha: 40, b: 12, seed: 5 });
    expect(purchases.length / 100_000).toBeGreaterThan(8);
    const started = performance.now();
    const result = scoreChurn(purchases, {
      referenceDate: utc("2024-12-31"),
      horizonDays: 90,
      thresholds,
      seed: 1,
    });
    const seconds = (performance.now() - started) / 1000;
    expect(result.scores.size).toBe(100_000);
    expect(seconds).toBeLessThan(10);
  });
});
