import { describe, expect, it } from "vitest";
import { conditionalExpectedPurchases } from "../../src/engine/bgnbd.js";
import {
  customerLifetimeValue,
  expectedAverageValue,
  fitGammaGamma,
  gammaGammaLogLikelihood,
} from "../../src/engine/gamma-gamma.js";
import { cdnowCsv } from "./cdnow-data.js";

const rows = cdnowCsv("cdnow_customers_summary_with_transactions.csv");
const repeatBuyers = rows.filter((row) => row.x! > 0).map((row) => ({ x: row.x!, zbar: row.zbar! }));
const withinRelative = (actual: number, expected: number, relative: number) =>
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(relative * Math.abs(expected));

describe("Gamma-Gamma on CDNOW", () => {
  const fit = fitGammaGamma(repeatBuyers);

  it("fits the 946 repeat buyers within 1 % of p = 6.25, q = 3.74, v = 15.44", () => {
    expect(repeatBuyers).toHaveLength(946);
    expect(fit.converged).toBe(true);
    withinRelative(fit.p, 6.25, 0.01);
    withinRelative(fit.q, 3.74, 0.01);
    withinRelative(fit.v, 15.44, 0.01);
    expect(fit.logLikelihood).toBeCloseTo(-4055.92, 2);
    expect(gammaGammaLogLikelihood(fit, repeatBuyers)).toBe(fit.logLikelihood);
  });

  it("reproduces the expected average value of the first 10 IDs (to 0.01)", () => {
    const expected = [24.65, 18.91, 35.17, 35.17, 35.17, 71.46, 18.91, 35.17, 27.28, 35.17];
    rows.slice(0, 10).forEach((row, i) => {
      const value = expectedAverageValue(fit, { x: row.x!, zbar: row.zbar! });
      expect(Math.abs(value - expected[i]!)).toBeLessThanOrEqual(0.01);
    });
  });

  it("values a customer as expected purchases times expected order value, less when discounted", () => {
    const bgnbd = { r: 0.2426, alpha: 4.4135, a: 0.7929, b: 2.4258 };
    const customer = { x: 2, tx: 30.43, T: 38.86, zbar: 22.35 };
    const value = expectedAverageValue(fit, customer);
    const plain = customerLifetimeValue(bgnbd, fit, customer, { horizon: 52 });
    expect(plain).toBeCloseTo(conditionalExpectedPurchases(bgnbd, 52, customer) * value, 12);
    const monthly = { horizon: 52, periodLength: 52 / 12 };
    expect(customerLifetimeValue(bgnbd, fit, customer, { ...monthly, discountRate: 0 })).toBe(plain);
    const discounted = customerLifetimeValue(bgnbd, fit, customer, { ...monthly, discountRate: 0.01 });
    expect(discounted).toBeLessThan(plain);
    expect(discounted).toBeGreaterThan(plain / 1.01 ** 12);
    // A vanishing discount rate converges to the undiscounted value (the period sum telescopes).
    expect(customerLifetimeValue(bgnbd, fit, customer, { ...monthly, discountRate: 1e-12 })).toBeCloseTo(
      plain,
      9,
    );
  });

  it("rejects one-time buyers in the fit (they have no repeat order to average)", () => {
    expect(() => fitGammaGamma([{ x: 0, zbar: 0 }])).toThrow(RangeError);
  });
});
