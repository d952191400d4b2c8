/**
 * Uplift metrics exactly as scikit-uplift 0.5.1 defines them (sklift/metrics/metrics.py: qini_curve,
 * perfect_qini_curve, qini_auc_score, uplift_at_k), so Segmento's figures compare with the literature.
 *
 * Order: rows sorted by score, descending, as numpy's `argsort(score, kind="mergesort")[::-1]` does: a stable
 * ascending sort reversed, so among tied scores the row that comes LATER in the input comes first. Callers pass
 * rows in a canonical order (by customer), so the result never depends on how the data arrived.
 *
 * Qini curve (qini_curve): evaluated only where the score changes (the last row of each run of tied scores, and the
 * last row), at x = rows targeted so far, y = Y_t − Y_c · N_t / N_c, with Y the summed outcomes and N the counts of
 * the treated (t) and control (c) rows targeted so far; the ratio N_t / N_c is 0 while N_c = 0 (so y = Y_t). The
 * point (0, 0) is prepended.
 *
 * Qini coefficient (qini_auc_score, negative_effect = True): (area under the model's curve − area under the random
 * line) / (area under the perfect curve − area under the random line), areas by the trapezoid rule (sklearn's
 * `auc`). The random line runs from (0, 0) to (n, y at n), which every ordering shares. The perfect curve is the
 * Qini curve of the score y·t − y·(1 − t): treated buyers first, control buyers last. Random scores give about 0,
 * the perfect ordering 1.
 *
 * uplift@k (uplift_at_k, strategy "overall"): the top floor(n·k) rows by score (the order above); the mean outcome
 * of the treated rows among them minus that of the control rows among them. sklift returns NaN when the top holds
 * no row of a group; here that is null.
 */

export type ExposureGroup = "treatment" | "control";

export interface QiniCurve {
  /** Rows targeted, from 0 to n. */
  targeted: number[];
  /** Incremental outcomes at each point. */
  incremental: number[];
}

/** Row indices by score, descending, ties reversed (numpy's mergesort argsort, reversed). */
function descendingOrder(scores: readonly number[]): number[] {
  if (!scores.every(Number.isFinite)) throw new RangeError("uplift scores must be finite numbers");
  return scores
    .map((_, i) => i)
    .sort((i, j) => scores[i]! - scores[j]! || i - j)
    .reverse();
}

export function qiniCurve(
  scores: readonly number[],
  groups: readonly ExposureGroup[],
  outcomes: readonly number[],
): QiniCurve {
  const order = descendingOrder(scores);
  const targeted = [0];
  const incremental = [0];
  let treatedOutcome = 0;
  let controlOutcome = 0;
  let treated = 0;
  let control = 0;
  order.forEach((i, position) => {
    if (groups[i] === "treatment") {
      treated++;
      treatedOutcome += outcomes[i]!;
    } else {
      control++;
      controlOutcome += outcomes[i]!;
    }
    const next = order[position + 1];
    if (next !== undefined && scores[next] === scores[i]) return;
    targeted.push(position + 1);
    incremental.push(treatedOutcome - controlOutcome * (control === 0 ? 0 : treated / control));
  });
  return { targeted, incremental };
}

/** Trapezoid-rule area under a curve (sklearn.metrics.auc). */
function area(curve: QiniCurve): number {
  let total = 0;
  for (let k = 1; k < curve.targeted.length; k++)
    total +=
      ((curve.targeted[k]! - curve.targeted[k - 1]!) * (curve.incremental[k]! + curve.incremental[k - 1]!)) /
      2;
  return total;
}

/** The normalized Qini coefficient; null when it is undefined (no rows, or the perfect curve equals the random line). */
export function qiniCoefficient(
  scores: readonly number[],
  groups: readonly ExposureGroup[],
  outcomes: readonly number[],
): number | null {
  return qiniScorer(groups, outcomes)(scores);
}

/**
 * The Qini coefficient of any scores of these rows: the perfect curve and the random line depend on the rows only,
 * so they are computed once (random-scoring spreads score the same rows many times).
 */
export function qiniScorer(
  groups: readonly ExposureGroup[],
  outcomes: readonly number[],
): (scores: readonly number[]) => number | null {
  const n = groups.length;
  if (n === 0) return () => null;
  const perfect = qiniCurve(
    outcomes.map((y, i) => (groups[i] === "treatment" ? y : -y)),
    groups,
    outcomes,
  );
  const baseline = (n * perfect.incremental[perfect.incremental.length - 1]!) / 2;
  const best = area(perfect) - baseline;
  return (scores) => (best === 0 ? null : (area(qiniCurve(scores, groups, outcomes)) - baseline) / best);
}

/** Treated minus control mean outcome among the top floor(n·k) rows by score; null when a group is absent there. */
export function upliftAtK(
  scores: readonly number[],
  groups: readonly ExposureGroup[],
  outcomes: readonly number[],
  k: number,
): number | null {
  if (!(k > 0 && k < 1)) throw new RangeError(`k must be in (0, 1) (got ${k})`);
  const top = descendingOrder(scores).slice(0, Math.floor(scores.length * k));
  const { treated, control, treatedOutcome, controlOutcome } = groupTotals(top, groups, outcomes);
  if (treated === 0 || control === 0) return null;
  return treatedOutcome / treated - controlOutcome / control;
}

export interface EffectInterval {
  estimate: number;
  /** The 95 % interval: estimate ± 1.96 standard errors (Neyman's variance for a randomized comparison). */
  low: number;
  high: number;
}

/** The average treatment effect (treated minus control mean outcome) with its 95 % interval; null without both groups. */
export function averageEffect(
  groups: readonly ExposureGroup[],
  outcomes: readonly number[],
): EffectInterval | null {
  const { treated, control, treatedOutcome, controlOutcome } = groupTotals(groups.keys(), groups, outcomes);
  if (treated === 0 || control === 0) return null;
  const pt = treatedOutcome / treated;
  const pc = controlOutcome / control;
  const se = Math.sqrt((pt * (1 - pt)) / treated + (pc * (1 - pc)) / control);
  return { estimate: pt - pc, low: pt - pc - 1.96 * se, high: pt - pc + 1.96 * se };
}

/** Counts and summed outcomes of the treated and control rows among `rows`. */
function groupTotals(rows: Iterable<number>, groups: readonly ExposureGroup[], outcomes: readonly number[]) {
  const totals = { treated: 0, control: 0, treatedOutcome: 0, controlOutcome: 0 };
  for (const i of rows) {
    if (groups[i] === "treatment") {
      totals.treated++;
      totals.treatedOutcome += outcomes[i]!;
    } else {
      totals.control++;
      totals.controlOutcome += outcomes[i]!;
    }
  }
  return totals;
}
