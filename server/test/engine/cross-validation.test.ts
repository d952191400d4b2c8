import { describe, expect, it } from "vitest";
import { rocAuc } from "../../src/engine/auc.js";
import {
  assignFolds,
  foldAveragedAuc,
  type Learner,
  outOfFoldPredictions,
} from "../../src/engine/cross-validation.js";
import { seededRandom } from "../../src/engine/random.js";

/** One noisy feature; the label is more likely 1 the higher it is. */
function data(n: number, seed: number) {
  const random = seededRandom(seed);
  const x = Array.from({ length: n }, () => [random()]);
  const y = x.map(([v]) => (random() < 0.2 + 0.6 * v! ? 1 : 0));
  return { x, y, feature: x.map(([v]) => v!) };
}

describe("fold-averaged AUC", () => {
  it("measures a model that ranks like its feature at that feature's AUC, where pooling understates it", () => {
    const { x, y, feature } = data(600, 1);
    const random = seededRandom(2);
    const splits = [assignFolds(600, 10, random), assignFolds(600, 10, random)];
    // Monotone in the feature, with an offset that depends on the fold's training rows: every fold ranks its
    // customers exactly like the feature, but the folds' scores are on different levels.
    const shifted: Learner = (trainX, trainY) => {
      const offset = 5 * trainY.reduce((sum, label, i) => sum + label * trainX[i]![0]!, 0);
      return (row) => row[0]! + offset;
    };
    const predictions = splits.map((fold) => outOfFoldPredictions(x, y, fold, shifted)!);
    const untrained = foldAveragedAuc(
      splits.map(() => feature),
      y,
      splits,
    )!;
    expect(foldAveragedAuc(predictions, y, splits)).toBeCloseTo(untrained, 12);
    for (const scores of predictions) expect(rocAuc(scores, y)!).toBeLessThan(untrained - 0.01);
  });

  it("is the plain AUC with a single fold, skips folds with one class and is null without any", () => {
    const { y, feature } = data(200, 3);
    expect(foldAveragedAuc([feature], y, [new Int32Array(200)])).toBe(rocAuc(feature, y));
    // Fold 1 holds only label-0 rows: it has no AUC and does not count.
    const fold = Int32Array.from(y, (label, i) => (label === 0 && i % 2 === 0 ? 1 : 0));
    const rows = [...fold.keys()].filter((i) => fold[i] === 0);
    expect(foldAveragedAuc([feature], y, [fold])).toBe(
      rocAuc(
        rows.map((i) => feature[i]!),
        rows.map((i) => y[i]!),
      ),
    );
    expect(foldAveragedAuc([[0.1, 0.2]], [1, 1], [new Int32Array(2)])).toBeNull();
  });
});
