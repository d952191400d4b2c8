/**
 * Numerical building blocks for the Engine's likelihood models (BG/NBD, Gamma-Gamma): log-gamma, digamma,
 * log-sum-exp, the Gaussian hypergeometric function 2F1 and a small box-constrained BFGS minimiser. Written out
 * here because the models need only these few pieces, evaluated millions of times, and deterministically.
 */

const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/** ln |Γ(x)| (Lanczos, g = 7; about 1e-15 relative accuracy), with the reflection formula below 0.5. */
export function lgamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgamma(1 - x);
  const z = x - 1;
  let sum = LANCZOS[0]!;
  for (let i = 1; i < LANCZOS_G + 2; i++) sum += LANCZOS[i]! / (z + i);
  const t = z + LANCZOS_G + 0.5;
  return HALF_LOG_TWO_PI + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b). */
export function lbeta(a: number, b: number): number {
  return lgamma(a) + lgamma(b) - lgamma(a + b);
}

/** ψ(x) = d ln Γ(x)/dx for x > 0: recurrence up to x >= 10, then the asymptotic series. Used by analytic gradients. */
export function digamma(x: number): number {
  let result = 0;
  let z = x;
  while (z < 10) {
    result -= 1 / z;
    z += 1;
  }
  const inv = 1 / z;
  const inv2 = inv * inv;
  return (
    result +
    Math.log(z) -
    0.5 * inv -
    inv2 * (1 / 12 - inv2 * (1 / 120 - inv2 * (1 / 252 - inv2 * (1 / 240 - inv2 * (1 / 132)))))
  );
}

/** ln(e^a + e^b) without overflow or underflow. */
export function logSumExp(a: number, b: number): number {
  if (a === Number.NEGATIVE_INFINITY) return b;
  if (b === Number.NEGATIVE_INFINITY) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

/**
 * Gaussian hypergeometric function 2F1(a, b; c; z) for 0 <= z < 1 by its power series, summed until the terms no
 * longer change the sum. The BG/NBD formulas call it with small a, b (after Euler's transformation), where the
 * series converges geometrically at rate z.
 */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  if (!(z >= 0 && z < 1)) throw new RangeError(`hyp2f1 needs 0 <= z < 1 (got ${z})`);
  let term = 1;
  let sum = 1;
  for (let k = 0; k < 1_000_000; k++) {
    term *= (((a + k) * (b + k)) / ((c + k) * (k + 1))) * z;
    sum += term;
    if (
      term === 0 ||
      // Stop once the terms are negligible AND shrinking (the term ratio, z included, below 1): without z
      // the check never holds when a + b > c + 1 and the loop ran its full length.
      (Math.abs(term) <= 1e-16 * Math.abs(sum) &&
        Math.abs((a + k) * (b + k) * z) <= Math.abs((c + k) * (k + 1)))
    )
      break;
  }
  return sum;
}

/** An objective for {@link minimize}: returns f(θ) and writes ∇f(θ) into `gradient`. */
export type Objective = (theta: Float64Array, gradient: Float64Array) => number;

export interface MinimizeOptions {
  /** Box constraints on θ (both or neither); a coordinate pinned at a bound is reported by the caller's checks. */
  lower?: number[];
  upper?: number[];
  maxIterations?: number;
  /** Converged when every free coordinate of the gradient is below this in absolute value. */
  gradientTolerance?: number;
}

export interface MinimizeResult {
  theta: number[];
  value: number;
  iterations: number;
  converged: boolean;
}

/**
 * Minimises a smooth function by BFGS with an Armijo backtracking line search, projected onto a box. Coordinates
 * at a bound whose gradient pushes outwards are frozen (projected gradient), so a parameter that runs off stops at
 * the bound instead of overflowing. Deterministic: no random restarts.
 */
export function minimize(
  objective: Objective,
  start: number[],
  options: MinimizeOptions = {},
): MinimizeResult {
  const n = start.length;
  const lower = options.lower ?? new Array<number>(n).fill(Number.NEGATIVE_INFINITY);
  const upper = options.upper ?? new Array<number>(n).fill(Number.POSITIVE_INFINITY);
  const maxIterations = options.maxIterations ?? 500;
  const tolerance = options.gradientTolerance ?? 1e-8;
  const clamp = (v: number, i: number) => Math.min(upper[i]!, Math.max(lower[i]!, v));

  let theta = Float64Array.from(start, clamp);
  let gradient = new Float64Array(n);
  let value = objective(theta, gradient);
  if (!Number.isFinite(value)) return { theta: [...theta], value, iterations: 0, converged: false };
  let inverseHessian = identity(n);
  const free = (g: Float64Array, i: number) =>
    !((theta[i]! <= lower[i]! && g[i]! > 0) || (theta[i]! >= upper[i]! && g[i]! < 0));
  const projectedNorm = (g: Float64Array) => {
    let m = 0;
    for (let i = 0; i < n; i++) if (free(g, i)) m = Math.max(m, Math.abs(g[i]!));
    return m;
  };

  let iterations = 0;
  let converged = projectedNorm(gradient) < tolerance;
  let activeBefore = activeSet(n, free, gradient);
  while (!converged && iterations < maxIterations) {
    iterations++;
    const active = activeSet(n, free, gradient);
    if (active !== activeBefore) inverseHessian = identity(n);
    activeBefore = active;
    const direction = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      if (!free(gradient, i)) continue;
      let d = 0;
      for (let j = 0; j < n; j++) if (free(gradient, j)) d -= inverseHessian[i]![j]! * gradient[j]!;
      direction[i] = d;
    }
    let slope = 0;
    for (let i = 0; i < n; i++) slope += direction[i]! * gradient[i]!;
    if (!(slope < 0)) {
      // Not a descent direction (the curvature estimate went bad): fall back to steepest descent.
      inverseHessian = identity(n);
      slope = 0;
      for (let i = 0; i < n; i++) {
        direction[i] = free(gradient, i) ? -gradient[i]! : 0;
        slope -= direction[i]! * direction[i]!;
      }
    }
    // Cap a step at length 5: in log-parameters that is a factor e^5 per iteration, plenty, and it keeps exp finite.
    let length = 0;
    for (let i = 0; i < n; i++) length += direction[i]! ** 2;
    let step = Math.min(1, 5 / Math.sqrt(length));
    const next = new Float64Array(n);
    const nextGradient = new Float64Array(n);
    let nextValue = Number.NaN;
    let accepted = false;
    let tries = 0;
    for (; tries < 60; tries++) {
      for (let i = 0; i < n; i++) next[i] = clamp(theta[i]! + step * direction[i]!, i);
      nextValue = objective(next, nextGradient);
      let decrease = 0;
      for (let i = 0; i < n; i++) decrease += gradient[i]! * (next[i]! - theta[i]!);
      if (Number.isFinite(nextValue) && nextValue <= value + 1e-4 * decrease) {
        accepted = true;
        break;
      }
      step *= backtrackFactor(value, decrease, nextValue);
    }
    // A step that had to shrink many times came from a poor curvature estimate (a long flat valley, as when a
    // likelihood's parameters run off together): the next direction starts again from steepest descent.
    if (tries > 8) inverseHessian = identity(n);
    if (!accepted) {
      converged = projectedNorm(gradient) < Math.sqrt(tolerance);
      break;
    }
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    let sy = 0;
    for (let i = 0; i < n; i++) {
      s[i] = next[i]! - theta[i]!;
      y[i] = nextGradient[i]! - gradient[i]!;
      sy += s[i]! * y[i]!;
    }
    const previousValue = value;
    theta = next;
    gradient = nextGradient;
    value = nextValue;
    if (sy > 1e-12) updateInverseHessian(inverseHessian, s, y, sy);
    converged = projectedNorm(gradient) < tolerance;
    // Stalled at machine precision with a gradient already small: as good as it gets.
    if (!converged && Math.abs(previousValue - value) <= 1e-15 * Math.max(1, Math.abs(value)))
      converged = projectedNorm(gradient) < Math.sqrt(tolerance);
    if (Math.abs(previousValue - value) === 0) break;
  }
  return { theta: [...theta], value, iterations, converged };
}

/**
 * How much to shrink a step that failed the sufficient-decrease test: the minimum of the quadratic through the
 * value at 0, its slope there (`decrease`, the slope times the step) and the value at the step, kept within
 * [0.1, 0.5] of the step (plain halving when the value was not finite). Halving alone took about 30 evaluations
 * per iteration where the direction was badly scaled; the quadratic gets there in a few.
 */
function backtrackFactor(value: number, decrease: number, nextValue: number): number {
  if (!Number.isFinite(nextValue)) return 0.5;
  const curvature = nextValue - value - decrease;
  if (!(curvature > 0)) return 0.5;
  return Math.min(0.5, Math.max(0.1, -decrease / (2 * curvature)));
}

function identity(n: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
}

function activeSet(n: number, free: (g: Float64Array, i: number) => boolean, gradient: Float64Array): string {
  let key = "";
  for (let i = 0; i < n; i++) key += free(gradient, i) ? "f" : "b";
  return key;
}

/** The BFGS update of the inverse Hessian: H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ. */
function updateInverseHessian(h: number[][], s: Float64Array, y: Float64Array, sy: number): void {
  const n = s.length;
  const rho = 1 / sy;
  const hy = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) hy[i]! += h[i]![j]! * y[j]!;
  let yhy = 0;
  for (let i = 0; i < n; i++) yhy += y[i]! * hy[i]!;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++)
      h[i]![j]! += -rho * (hy[i]! * s[j]! + s[i]! * hy[j]!) + (rho * rho * yhy + rho) * s[i]! * s[j]!;
}
