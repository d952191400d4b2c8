/**
 * The Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV"; Fader & Hardie note 025): a customer's
 * order values are Gamma(p, ν) with ν ~ Gamma(q, v) across customers, so the average of x repeat orders, zbar, has
 * a closed-form marginal likelihood. Combined with BG/NBD's expected purchases it gives a customer lifetime value.
 */
import { type BgnbdCustomer, type BgnbdParams, conditionalExpectedPurchases } from "./bgnbd.js";
import { digamma, lgamma, minimize } from "./special.js";

export interface GammaGammaParams {
  p: number;
  q: number;
  v: number;
}

/** A repeat buyer: x > 0 repeat orders with mean value zbar > 0 (the first order is excluded, as in the paper). */
export interface SpendSummary {
  x: number;
  zbar: number;
}

export interface GammaGammaFit extends GammaGammaParams {
  logLikelihood: number;
  converged: boolean;
}

/** Repeat buyers in typed arrays, with the distinct x values (the x-only terms are computed once per x). */
interface Prepared {
  x: Float64Array;
  zbar: Float64Array;
  logZ: Float64Array;
  distinctX: number[];
  countByX: Float64Array;
}

function prepare(data: readonly SpendSummary[]): Prepared {
  const n = data.length;
  const x = new Float64Array(n);
  const zbar = new Float64Array(n);
  const logZ = new Float64Array(n);
  const countOf = new Map<number, number>();
  data.forEach((row, i) => {
    if (!(row.x > 0 && row.zbar > 0))
      throw new RangeError(
        `Gamma-Gamma needs repeat buyers with x > 0 and zbar > 0 (row ${i}: ${JSON.stringify(row)})`,
      );
    x[i] = row.x;
    zbar[i] = row.zbar;
    logZ[i] = Math.log(row.zbar);
    countOf.set(row.x, (countOf.get(row.x) ?? 0) + 1);
  });
  return { x, zbar, logZ, distinctX: [...countOf.keys()], countByX: Float64Array.from(countOf.values()) };
}

/**
 * Log-likelihood and its gradient in the log-parameters. Per customer:
 * ln Γ(px+q) − ln Γ(px) − ln Γ(q) + q ln v + (px−1) ln zbar + px ln x − (px+q) ln(v + x zbar).
 */
function logLikelihood(params: GammaGammaParams, data: Prepared, gradient?: Float64Array): number {
  const { p, q, v } = params;
  const { x, zbar, logZ, distinctX, countByX } = data;
  const logV = Math.log(v);
  const psiQ = digamma(q);
  let total = 0;
  let dP = 0;
  let dQ = 0;
  let dV = 0;
  for (let k = 0; k < distinctX.length; k++) {
    const xk = distinctX[k]!;
    const px = p * xk;
    const count = countByX[k]!;
    total += count * (lgamma(px + q) - lgamma(px) - lgamma(q) + q * logV + px * Math.log(xk));
    if (gradient) {
      const psiPxQ = digamma(px + q);
      dP += count * xk * (psiPxQ - digamma(px) + Math.log(xk));
      dQ += count * (psiPxQ - psiQ + logV);
      dV += (count * q) / v;
    }
  }
  for (let i = 0; i < x.length; i++) {
    const xi = x[i]!;
    const px = p * xi;
    const denominator = v + xi * zbar[i]!;
    const logDen = Math.log(denominator);
    total += (px - 1) * logZ[i]! - (px + q) * logDen;
    if (gradient) {
      dP += xi * (logZ[i]! - logDen);
      dQ -= logDen;
      dV -= (px + q) / denominator;
    }
  }
  if (gradient) {
    gradient[0] = dP * p;
    gradient[1] = dQ * q;
    gradient[2] = dV * v;
  }
  return total;
}

/** The Gamma-Gamma log-likelihood of repeat buyers' (x, zbar) under the given parameters. */
export function gammaGammaLogLikelihood(params: GammaGammaParams, data: readonly SpendSummary[]): number {
  return logLikelihood(params, prepare(data));
}

/**
 * Maximum-likelihood fit on repeat buyers only (x > 0, zbar > 0: one-time buyers have no repeat order to average).
 * BFGS on the log-parameters with the analytic gradient, from p = q = 1 and v = mean zbar, restarted once from the
 * optimum; deterministic.
 */
export function fitGammaGamma(data: readonly SpendSummary[]): GammaGammaFit {
  const prepared = prepare(data);
  const n = Math.max(prepared.x.length, 1);
  let meanZ = 0;
  for (const z of prepared.zbar) meanZ += z / n;
  const toParams = (theta: ArrayLike<number>): GammaGammaParams => ({
    p: Math.exp(theta[0]!),
    q: Math.exp(theta[1]!),
    v: Math.exp(theta[2]!),
  });
  const objective = (theta: Float64Array, gradient: Float64Array) => {
    const value = -logLikelihood(toParams(theta), prepared, gradient) / n;
    for (let i = 0; i < 3; i++) gradient[i] = -gradient[i]! / n;
    return value;
  };
  const bounds = { lower: [-15, -15, -15], upper: [15, 15, 15] };
  const first = minimize(objective, [0, 0, Math.log(Math.max(meanZ, 1e-6))], bounds);
  const second = minimize(objective, first.theta, bounds);
  const params = toParams(second.value <= first.value ? second.theta : first.theta);
  return { ...params, logLikelihood: logLikelihood(params, prepared), converged: second.converged };
}

/**
 * E[Z | x, zbar] = p (v + x zbar) / (p x + q − 1): a weighted mean of the population mean p v/(q − 1) and the
 * customer's own zbar, the weight on zbar growing with x. For x = 0 it is the population mean (needs q > 1).
 */
export function expectedAverageValue(params: GammaGammaParams, customer: SpendSummary): number {
  const { p, q, v } = params;
  const x = Math.max(customer.x, 0);
  return (p * (v + x * customer.zbar)) / (p * x + q - 1);
}

export interface LifetimeValueOptions {
  /** The CLV horizon, in the BG/NBD time unit. */
  horizon: number;
  /** Discount rate per period (e.g. monthly); 0 (the default) means no discounting. */
  discountRate?: number;
  /** Length of one discount period in the BG/NBD time unit (e.g. 30.4375 for months in days); default the horizon. */
  periodLength?: number;
}

/**
 * Customer lifetime value over a horizon: expected purchases (BG/NBD E[Y(t) | x, t_x, T]) times the expected value
 * per purchase (Gamma-Gamma). With a discount rate d the horizon is cut into periods and the purchases expected in
 * period i are worth 1/(1+d)^i, as in lifetimes' customer_lifetime_value; with d = 0 no discounting applies.
 */
export function customerLifetimeValue(
  bgnbd: BgnbdParams,
  gammaGamma: GammaGammaParams,
  customer: BgnbdCustomer & { zbar: number },
  options: LifetimeValueOptions,
): number {
  const value = expectedAverageValue(gammaGamma, customer);
  const rate = options.discountRate ?? 0;
  if (rate === 0) return conditionalExpectedPurchases(bgnbd, options.horizon, customer) * value;
  const period = options.periodLength ?? options.horizon;
  const periods = Math.ceil(options.horizon / period - 1e-9);
  let total = 0;
  let before = 0;
  for (let i = 1; i <= periods; i++) {
    const upTo = conditionalExpectedPurchases(bgnbd, Math.min(i * period, options.horizon), customer);
    total += (upTo - before) / (1 + rate) ** i;
    before = upTo;
  }
  return total * value;
}
