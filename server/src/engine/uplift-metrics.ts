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

/** Most points a reported Qini curve carries: every percent of the customers targeted, 0 to 100. */
export const QINI_CURVE_MAX_POINTS = 101;

export interface QiniPoint {
  /** Share of the rows targeted, 0 to 1. */
  share: number;
  /** Incremental outcomes among them, as in QiniCurve. */
  incremental: number;
}

/** A Qini curve as the overview reports it: bounded in size, with random targeting's line beside it. */
export interface ReportedQiniCurve {
  treated: number;
  control: number;
  /** From (0, 0) to (1, the incremental outcomes of all rows), at most QINI_CURVE_MAX_POINTS. */
  points: QiniPoint[];
  /** Random targeting: the straight line from (0, 0) to the curve's end point. */
  random: [QiniPoint, QiniPoint];
}

/**
 * qiniCurve with the rows targeted as a share of all rows. When it has more than `maxPoints` points, it is read at
 * `maxPoints` evenly spaced shares (0, 1/(maxPoints − 1), ..., 1), linearly between its points: the straight
 * pieces the trapezoid rule integrates, so the shape and the area stay those of the full curve. Null without rows.
 */
export function reportedQiniCurve(
  scores: readonly number[],
  groups: readonly ExposureGroup[],
  outcomes: readonly number[],
  maxPoints = QINI_CURVE_MAX_POINTS,
): ReportedQiniCurve | null {
  if (!(Number.isInteger(maxPoints) && maxPoints >= 2))
    throw new RangeError(`maxPoints must be an integer of at least 2 (got ${maxPoints})`);
  const n = scores.length;
  if (n === 0) return null;
  const curve = qiniCurve(scores, groups, outcomes);
  const end = curve.incremental[curve.incremental.length - 1]!;
  let points: QiniPoint[];
  if (curve.targeted.length <= maxPoints) {
    points = curve.targeted.map((targeted, k) => ({
      share: targeted / n,
      incremental: curve.incremental[k]!,
    }));
  } else {
    points = [];
    let piece = 1; // the curve's piece [targeted[piece − 1], targeted[piece]] holding the current share
    for (let k = 0; k < maxPoints; k++) {
      const share = k / (maxPoints - 1);
      const rows = share * n;
      while (piece < curve.targeted.length - 1 && curve.targeted[piece]! < rows) piece++;
      const x0 = curve.targeted[piece - 1]!;
      const x1 = curve.targeted[piece]!;
      const y0 = curve.incremental[piece - 1]!;
      const y1 = curve.incremental[piece]!;
      points.push({ share, incremental: y0 + ((y1 - y0) * (rows - x0)) / (x1 - x0) });
    }
    // The ends exactly, not as read through floating-point shares.
    points[0] = { share: 0, incremental: 0 };
    points[maxPoints - 1] = { share: 1, incremental: end };
  }
  const { treated, control } = groupTotals(groups.keys(), groups, outcomes);
  return {
    treated,
    control,
    points,
    random: [
      { share: 0, incremental: 0 },
      { share: 1, incremental: end },
    ],
  };
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
