/**
 * K-fold cross-validation: every row is predicted by a model that never saw it, so a candidate's out-of-fold
 * metric is an honest estimate of how it does on customers it has not learned from.
 */
import { sampleIndices } from "./random.js";

export const FOLDS = 5;

/** A seeded fold (0..folds-1) per row: a random permutation dealt round-robin, so the folds differ by at most one. */
export function assignFolds(n: number, folds: number, random: () => number): Int32Array {
  const fold = new Int32Array(n);
  sampleIndices(n, n, random).forEach((row, position) => {
    fold[row] = position % folds;
  });
  return fold;
}

/** A learner: fits on rows and labels, returns the prediction for a new row. */
export type Learner = (x: number[][], y: number[]) => (row: readonly number[]) => number;

/**
 * Out-of-fold predictions of `learn` over the given folds; null when some training part has a single label value
 * (nothing to learn from, e.g. every customer in it churned).
 */
export function outOfFoldPredictions(
  x: number[][],
  y: number[],
  fold: Int32Array,
  learn: Learner,
): number[] | null {
  const folds = Math.max(0, ...fold) + 1;
  const predictions = new Array<number>(x.length).fill(0);
  for (let f = 0; f < folds; f++) {
    const trainX: number[][] = [];
    const trainY: number[] = [];
    for (let i = 0; i < x.length; i++) {
      if (fold[i] === f) continue;
      trainX.push(x[i]!);
      trainY.push(y[i]!);
    }
    if (trainY.length === 0 || trainY.every((value) => value === trainY[0])) return null;
    const predict = learn(trainX, trainY);
    for (let i = 0; i < x.length; i++) if (fold[i] === f) predictions[i] = predict(x[i]!);
  }
  return predictions;
}
