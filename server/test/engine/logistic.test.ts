import { describe, expect, it } from "vitest";
import { rocAuc } from "../../src/engine/auc.js";
import { fitLogistic, predictLogistic } from "../../src/engine/logistic.js";
import { seededRandom as random } from "../../src/engine/random.js";

describe("logistic regression", () => {
  it("recovers the coefficients of data drawn from a known logistic model", () => {
    const rand = random(7);
    const x: number[][] = [];
    const y: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      const a = rand() * 4 - 2;
      const b = rand() * 2;
      const p = 1 / (1 + Math.exp(-(0.5 + 1.5 * a - 2 * b)));
      x.push([a, b]);
      y.push(rand() < p ? 1 : 0);
    }
    const model = fitLogistic(x, y, { l2: 0 });
    expect(model.converged).toBe(true);
    // Back to the raw scale: weight / scale.
    const slopeA = model.weights[1]! / model.scales[0]!;
    const slopeB = model.weights[2]! / model.scales[1]!;
    const intercept = model.weights[0]! - slopeA * model.means[0]! - slopeB * model.means[1]!;
    expect(slopeA).toBeCloseTo(1.5, 1);
    expect(slopeB).toBeCloseTo(-2, 1);
    expect(intercept).toBeCloseTo(0.5, 1);
    expect(predictLogistic(model, [0, 0])).toBeCloseTo(1 / (1 + Math.exp(-0.5)), 1);
  });

  it("stays finite on separable data thanks to the L2 penalty", () => {
    const x = [[-2], [-1], [1], [2]];
    const model = fitLogistic(x, [0, 0, 1, 1], { l2: 0.01 });
    expect(model.weights.every(Number.isFinite)).toBe(true);
    expect(predictLogistic(model, [2])).toBeGreaterThan(0.8);
    expect(predictLogistic(model, [-2])).toBeLessThan(0.2);
  });
});

describe("logistic regression: near-constant features and row weights", () => {
  const rand = random(11);
  const x: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const a = rand() * 2 - 1;
    x.push([a]);
    y.push(rand() < 1 / (1 + Math.exp(-2 * a)) ? 1 : 0);
  }

  it("ignores a feature that is constant up to float noise, at any magnitude (relative tolerance)", () => {
    const plain = fitLogistic(x, y);
    for (const level of [0, 1, 1e6, -3e12]) {
      // The spread of (0.1 + 0.2) - 0.3 style noise, scaled to the column: a constant as far as data goes.
      const noisy = x.map((row, i) => [...row, level + (i % 2 ? 1 : -1) * Math.abs(level) * 1e-13]);
      const model = fitLogistic(noisy, y);
      expect(model.scales[1]).toBe(0);
      expect(model.weights[2]).toBe(0);
      expect(model.weights[1]).toBeCloseTo(plain.weights[1]!, 10);
      expect(predictLogistic(model, [0.3, level])).toBeCloseTo(predictLogistic(plain, [0.3]), 10);
    }
    // A genuinely small feature is not a constant: only its spread relative to its size matters.
    const small = fitLogistic(
      x.map((row) => [row[0]! * 1e-9]),
      y,
    );
    expect(small.scales[0]).toBeGreaterThan(0);
    expect(predictLogistic(small, [0.3e-9])).toBeCloseTo(predictLogistic(plain, [0.3]), 10);
  });

  it("weights rows: weight 2 is the same as the row twice", () => {
    const doubled = fitLogistic([...x, ...x.slice(0, 500)], [...y, ...y.slice(0, 500)], { l2: 0.01 });
    const weighted = fitLogistic(x, y, { l2: 0.01, rowWeights: x.map((_, i) => (i < 500 ? 2 : 1)) });
    expect(weighted.weights[0]).toBeCloseTo(doubled.weights[0]!, 8);
    expect(weighted.weights[1]).toBeCloseTo(doubled.weights[1]!, 8);
    expect(() => fitLogistic(x, y, { rowWeights: [1] })).toThrow(/one weight per row/);
  });
});

describe("ROC AUC", () => {
  it("is 1 for a perfect ranking, 0 for a reversed one, 0.5 for ties, null with one class", () => {
    expect(rocAuc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])).toBe(1);
    expect(rocAuc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1])).toBe(0);
    expect(rocAuc([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1])).toBe(0.5);
    expect(rocAuc([0.1, 0.2], [1, 1])).toBeNull();
  });

  it("matches the pairwise definition", () => {
    const rand = random(3);
    const scores = Array.from({ length: 300 }, () => Math.round(rand() * 20) / 20);
    const labels = scores.map((s) => (rand() < s ? 1 : 0) as 0 | 1);
    let wins = 0;
    let pairs = 0;
    for (const [i, si] of scores.entries()) {
      for (const [j, sj] of scores.entries()) {
        if (labels[i] !== 1 || labels[j] !== 0) continue;
        pairs++;
        wins += si > sj ? 1 : si === sj ? 0.5 : 0;
      }
    }
    expect(rocAuc(scores, labels)).toBeCloseTo(wins / pairs, 12);
  });
});
