/**
 * K-fold cross-validation: every row is predicted by a model that never saw it, so a candidate's out-of-fold
 * metric is an honest estimate of how it does on customers it has not learned from.
 */
import { rocAuc } from "./auc.js";
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

/**
 * A model's backtest AUC: the AUC within each fold, averaged over the folds of every split. Each fold is ranked by
 * one model, which is what the AUC of the model that scores measures; pooling the out-of-fold scores of all folds
 * into one ranking instead mixes models whose intercepts and slopes differ from fold to fold, and understates it
 * (Airola et al. 2011, "An experimental comparison of cross-validation techniques for estimating the area under the
 * ROC curve"; on CDNOW, a one-feature logistic model, which ranks exactly like its feature, pools to 0.005 below
 * that feature's own AUC). Scores that need no training are measured on the same folds, so every candidate and
 * baseline is compared on the same customers in the same way.
 *
 * `scores[s]` are the scores of split `s` (out-of-fold predictions, or the same untrained scores for every split);
 * folds with a single label value have no AUC and are skipped; null when no fold has both.
 */
export function foldAveragedAuc(
  scores: readonly (readonly number[])[],
  labels: readonly number[],
  splits: readonly Int32Array[],
): number | null {
  let sum = 0;
  let measured = 0;
  splits.forEach((fold, s) => {
    const folds = Math.max(0, ...fold) + 1;
    const members: number[][] = Array.from({ length: folds }, () => []);
    fold.forEach((f, row) => {
      members[f]!.push(row);
    });
    for (const rows of members) {
      const auc = rocAuc(
        rows.map((row) => scores[s]![row]!),
        rows.map((row) => labels[row]!),
      );
      if (auc === null) continue;
      sum += auc;
      measured++;
    }
  });
  return measured === 0 ? null : sum / measured;
}
