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
