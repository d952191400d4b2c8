import { describe, expect, it } from "vitest";
import { digamma, hyp2f1, lbeta, lgamma, logSumExp, minimize } from "../../src/engine/special.js";

const closeTo = (actual: number, expected: number, relative = 1e-13) =>
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(relative * Math.max(1, Math.abs(expected)));

describe("special functions", () => {
  it("lgamma matches Python's math.lgamma", () => {
    const cases: [number, number][] = [
      [0.001, 6.907178885383854],
      [0.5, 0.5723649429247004],
      [1, 0],
      [2.5, 0.2846828704729196],
      [10, 12.801827480081467],
      [100, 359.1342053695754],
      [1e5, 1051287.7089736566],
    ];
    for (const [x, expected] of cases) closeTo(lgamma(x), expected);
    closeTo(lbeta(2, 3), Math.log(1 / 12));
  });

  it("digamma matches scipy.special.digamma", () => {
    closeTo(digamma(1), -0.5772156649015329);
    closeTo(digamma(0.3), -3.502524222200133);
    closeTo(digamma(7.5), 1.9467574842460866);
    closeTo(digamma(250), 5.519459584531046);
  });

  it("2F1 matches closed forms and scipy.special.hyp2f1", () => {
    closeTo(hyp2f1(1, 1, 2, 0.9), -Math.log(0.1) / 0.9, 1e-12);
    closeTo(hyp2f1(0.7, 3, 3, 0.99), 0.01 ** -0.7, 1e-12);
    closeTo(hyp2f1(0.4, -0.2, 2.2, 0.95), 0.9558753439345412, 1e-12);
    closeTo(hyp2f1(1.5, 2.5, 3.7, 0.5), 1.9452391094618977, 1e-12);
    expect(() => hyp2f1(1, 1, 2, 1)).toThrow(RangeError);
  });

  it("logSumExp neither overflows nor underflows", () => {
    closeTo(logSumExp(1000, 1000), 1000 + Math.log(2));
    closeTo(logSumExp(-1000, Number.NEGATIVE_INFINITY), -1000);
  });
});

describe("minimize (BFGS)", () => {
  it("finds the minimum of the Rosenbrock function", () => {
    const result = minimize(
      (t, g) => {
        const [x, y] = [t[0]!, t[1]!];
        g[0] = -2 * (1 - x) - 400 * x * (y - x * x);
        g[1] = 200 * (y - x * x);
        return (1 - x) ** 2 + 100 * (y - x * x) ** 2;
      },
      [-1.2, 1],
    );
    expect(result.converged).toBe(true);
    expect(result.theta[0]).toBeCloseTo(1, 6);
    expect(result.theta[1]).toBeCloseTo(1, 6);
  });

  it("stops at a bound when the minimum lies beyond it", () => {
    const result = minimize(
      (t, g) => {
        g[0] = 2 * (t[0]! - 10);
        return (t[0]! - 10) ** 2;
      },
      [0],
      { lower: [-3], upper: [3] },
    );
    expect(result.converged).toBe(true);
    expect(result.theta[0]).toBe(3);
  });
});
