import { describe, expect, it } from "vitest";
import { rocAuc } from "../../src/engine/auc.js";
import { fitForest, predictForest } from "../../src/engine/forest.js";
import { seededRandom } from "../../src/engine/random.js";

/** Rows of 4 uniform features; the label depends on an interaction of the first two only. */
function data(n: number, seed: number) {
  const random = seededRandom(seed);
  const x = Array.from({ length: n }, () => [random(), random(), random(), random()]);
  const p = x.map(([a, b]) => (a! > 0.5 && b! > 0.5 ? 0.8 : 0.1));
  const y = p.map((pi) => (random() < pi ? 1 : 0));
  return { x, y, p };
}

describe("random forest", () => {
  it("learns an interaction a linear model cannot, as probabilities", () => {
    const train = data(4000, 1);
    const test = data(2000, 2);
    const forest = fitForest(train.x, train.y, { seed: 3 });
    const predictions = test.x.map((row) => predictForest(forest, row));
    expect(Math.min(...predictions)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...predictions)).toBeLessThanOrEqual(1);
    // Against the true probabilities: nearly as good a ranking as they give, and the corner stands out (averaged
    // leaves near its edges pull it towards the mean, as forests do).
    expect(rocAuc(predictions, test.y)).toBeGreaterThan(rocAuc(test.p, test.y)! - 0.02);
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    expect(mean(predictions.filter((_, i) => test.p[i] === 0.8))).toBeGreaterThan(0.65);
    expect(mean(predictions.filter((_, i) => test.p[i] === 0.1))).toBeLessThan(0.2);
  });

  it("regresses counts as well as labels", () => {
    const random = seededRandom(4);
    const x = Array.from({ length: 2000 }, () => [random() * 10, random()]);
    const y = x.map(([a]) => Math.floor(a!));
    const forest = fitForest(x, y, { seed: 1, minLeaf: 5 });
    expect(predictForest(forest, [7.5, 0.5])).toBeCloseTo(7, 0);
    expect(predictForest(forest, [0.5, 0.5])).toBeCloseTo(0, 0);
  });

  it("is deterministic for a seed and different for another", () => {
    const { x, y } = data(500, 5);
    const row = [0.6, 0.6, 0.2, 0.9];
    expect(predictForest(fitForest(x, y, { seed: 7 }), row)).toBe(
      predictForest(fitForest(x, y, { seed: 7 }), row),
    );
    expect(fitForest(x, y, { seed: 7 })).toEqual(fitForest(x, y, { seed: 7 }));
    expect(fitForest(x, y, { seed: 8 })).not.toEqual(fitForest(x, y, { seed: 7 }));
  });

  it("handles constant features, tiny data and rejects mismatched labels", () => {
    const forest = fitForest(
      [
        [1, 0],
        [1, 1],
        [1, 0],
      ],
      [0, 1, 0],
      { seed: 1, minLeaf: 1, trees: 5 },
    );
    expect(predictForest(forest, [1, 1])).toBeGreaterThan(predictForest(forest, [1, 0]));
    expect(() => fitForest([[1]], [0, 1], { seed: 1 })).toThrow(/as many labels as rows/);
  });
});
