/**
 * L2-regularized logistic regression fitted by Newton's method (IRLS) on standardized features: exact, fast for
 * the few features the Engine uses (d <= ~50) on up to millions of rows, and deterministic (callers pass rows in a
 * canonical order, so the sums run in the same order whatever order the data arrived in). Used by the churn
 * candidates and the uplift learners.
 *
 * A near-constant feature (standard deviation at most 1e-9 of the column's largest absolute value: float noise
 * around a constant, whatever its magnitude) carries no information; it is left out of the fit (scale 0, weight 0)
 * instead of being blown up by dividing by its tiny spread.
 */
export interface LogisticModel {
  /** Intercept first, then one weight per (standardized) feature. */
  weights: number[];
  means: number[];
  /** Standard deviation per feature; 0 for a near-constant feature, which the model ignores. */
  scales: number[];
  iterations: number;
  converged: boolean;
}

export interface LogisticOptions {
  /** L2 penalty on the feature weights (not the intercept), per unit of row weight. */
  l2?: number;
  maxIterations?: number;
  tolerance?: number;
  /** A non-negative weight per row (default 1 each). */
  rowWeights?: readonly number[];
  /**
   * A non-negative multiplier of `l2` per feature (default 1 each): a model can shrink some weights harder than
   * others (the uplift learner shrinks the treatment's interactions, not the baseline's weights).
   */
  penaltyScales?: readonly number[];
}

/** Relative spread below which a feature counts as constant (see the module comment). */
export const CONSTANT_FEATURE_TOLERANCE = 1e-9;

const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

/** A feature standardized with the model's mean and scale; 0 for an ignored (near-constant) feature. */
const standardize = (value: number, mean: number, scale: number) =>
  scale === 0 ? 0 : (value - mean) / scale;

export function fitLogistic(
  x: readonly (readonly number[])[],
  y: readonly number[],
  options: LogisticOptions = {},
): LogisticModel {
  const n = x.length;
  if (n === 0 || n !== y.length)
    throw new Error(`fitLogistic needs as many labels as rows (got ${n} rows, ${y.length} labels)`);
  const rowWeights = options.rowWeights;
  if (rowWeights !== undefined && rowWeights.length !== n)
    throw new Error(`fitLogistic needs one weight per row (got ${rowWeights.length} for ${n} rows)`);
  const weightOf = (i: number) => rowWeights?.[i] ?? 1;
  const d = x[0]!.length;
  const penaltyScales = options.penaltyScales;
  if (penaltyScales !== undefined && penaltyScales.length !== d)
    throw new Error(`fitLogistic needs one penalty scale per feature (got ${penaltyScales.length} for ${d})`);
  const l2 = options.l2 ?? 1e-3;
  const maxIterations = options.maxIterations ?? 50;
  const tolerance = options.tolerance ?? 1e-8;

  let totalWeight = 0;
  for (let i = 0; i < n; i++) totalWeight += weightOf(i);
  const means = new Array<number>(d).fill(0);
  const scales = new Array<number>(d).fill(0);
  const largest = new Array<number>(d).fill(0);
  x.forEach((row, i) => {
    for (let j = 0; j < d; j++) {
      means[j]! += (weightOf(i) * row[j]!) / totalWeight;
      largest[j] = Math.max(largest[j]!, Math.abs(row[j]!));
    }
  });
  x.forEach((row, i) => {
    for (let j = 0; j < d; j++) scales[j]! += (weightOf(i) * (row[j]! - means[j]!) ** 2) / totalWeight;
  });
  for (let j = 0; j < d; j++) {
    const spread = Math.sqrt(scales[j]!);
    scales[j] = spread > CONSTANT_FEATURE_TOLERANCE * largest[j]! ? spread : 0;
  }

  const p = d + 1;
  const weights = new Array<number>(p).fill(0);
  const row = new Array<number>(p);
  let iterations = 0;
  let converged = false;
  for (; iterations < maxIterations && !converged; iterations++) {
    const gradient = new Array<number>(p).fill(0);
    const hessian = Array.from({ length: p }, () => new Array<number>(p).fill(0));
    for (let i = 0; i < n; i++) {
      row[0] = 1;
      for (let j = 0; j < d; j++) row[j + 1] = standardize(x[i]![j]!, means[j]!, scales[j]!);
      let z = 0;
      for (let j = 0; j < p; j++) z += weights[j]! * row[j]!;
      const mu = sigmoid(z);
      const rowWeight = weightOf(i);
      const w = rowWeight * Math.max(mu * (1 - mu), 1e-12);
      const residual = rowWeight * (y[i]! - mu);
      for (let a = 0; a < p; a++) {
        gradient[a]! += residual * row[a]!;
        const ra = w * row[a]!;
        for (let b = a; b < p; b++) hessian[a]![b]! += ra * row[b]!;
      }
    }
    for (let a = 0; a < p; a++) {
      for (let b = 0; b < a; b++) hessian[a]![b] = hessian[b]![a]!;
      if (a > 0) {
        // An ignored feature gets a unit curvature so the system stays solvable; its weight stays 0.
        const penalty = l2 * (penaltyScales?.[a - 1] ?? 1) * totalWeight;
        gradient[a]! -= penalty * weights[a]!;
        hessian[a]![a]! += scales[a - 1] === 0 ? 1 : penalty;
      }
    }
    const step = solve(hessian, gradient);
    let change = 0;
    for (let j = 0; j < p; j++) {
      weights[j]! += step[j]!;
      change = Math.max(change, Math.abs(step[j]!));
    }
    converged = change < tolerance;
  }
  return { weights, means, scales, iterations, converged };
}

export function predictLogistic(model: LogisticModel, x: readonly number[]): number {
  let z = model.weights[0]!;
  for (let j = 0; j < x.length; j++)
    z += model.weights[j + 1]! * standardize(x[j]!, model.means[j]!, model.scales[j]!);
  return sigmoid(z);
}

/** Solves A x = b for a symmetric positive definite A (Gaussian elimination with partial pivoting). */
function solve(matrix: number[][], vector: number[]): number[] {
  const n = vector.length;
  const a = matrix.map((r, i) => [...r, vector[i]!]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r]![col]!) > Math.abs(a[pivot]![col]!)) pivot = r;
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    const diagonal = a[col]![col]! || 1e-12;
    for (let r = col + 1; r < n; r++) {
      const factor = a[r]![col]! / diagonal;
      if (factor === 0) continue;
      for (let c = col; c <= n; c++) a[r]![c]! -= factor * a[col]![c]!;
    }
  }
  const out = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let sum = a[r]![n]!;
    for (let c = r + 1; c < n; c++) sum -= a[r]![c]! * out[c]!;
    out[r] = sum / (a[r]![r]! || 1e-12);
  }
  return out;
}
