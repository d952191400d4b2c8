/**
 * The BG/NBD model (Fader, Hardie & Lee 2005, "Counting your customers the easy way"): while alive a customer buys
 * as a Poisson process with rate λ ~ Gamma(r, α); after each purchase they drop out with probability p ~ Beta(a, b).
 * Fitted by maximum likelihood on per-customer (x, t_x, T) summaries; every formula is computed in logs.
 */
import { digamma, hyp2f1, lbeta, lgamma, logSumExp, minimize } from "./special.js";

export interface BgnbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

/** One customer's calibration summary: x repeat purchases, the last at t_x, observed for T (same time unit). */
export interface BgnbdCustomer {
  x: number;
  tx: number;
  T: number;
}

export interface BgnbdFit extends BgnbdParams {
  logLikelihood: number;
  converged: boolean;
  iterations: number;
}

export interface BgnbdFitOptions {
  /** Starting point; by default r = 1, a = b = 1 and α matching the mean purchase rate. */
  start?: BgnbdParams;
  maxIterations?: number;
}

/** Each parameter is searched in [e^-15, e^15]; one that ends near a bound has run off (see isDegenerateFit). */
const LOG_BOUND = 15;

/** The data in typed arrays, with x checked: the likelihood loops run over these. */
interface Prepared {
  n: number;
  x: Int32Array;
  tx: Float64Array;
  T: Float64Array;
  maxX: number;
  /** How many customers have each x: the x-only terms are computed once per distinct x. */
  countByX: Float64Array;
}

function prepare(data: readonly BgnbdCustomer[]): Prepared {
  const n = data.length;
  const x = new Int32Array(n);
  const tx = new Float64Array(n);
  const T = new Float64Array(n);
  let maxX = 0;
  for (let i = 0; i < n; i++) {
    const c = data[i]!;
    if (!Number.isInteger(c.x) || c.x < 0 || !(c.tx >= 0) || !(c.T >= c.tx))
      throw new RangeError(`BG/NBD needs integer x >= 0 and 0 <= t_x <= T (row ${i}: ${JSON.stringify(c)})`);
    x[i] = c.x;
    tx[i] = c.tx;
    T[i] = c.T;
    if (c.x > maxX) maxX = c.x;
  }
  const countByX = new Float64Array(maxX + 1);
  for (let i = 0; i < n; i++) countByX[x[i]!]!++;
  return { n, x, tx, T, maxX, countByX };
}

/**
 * Total log-likelihood and its gradient with respect to the log-parameters (written into `gradient` when given).
 * Per customer: ln Γ(r+x) − ln Γ(r) + r ln α + ln B(a, b+x) − ln B(a, b)
 *   + ln[ (α+T)^−(r+x) + [x>0] a/(b+x−1) (α+t_x)^−(r+x) ].
 */
function logLikelihood(params: BgnbdParams, data: Prepared, gradient?: Float64Array): number {
  const { r, alpha, a, b } = params;
  const { n, x, tx, T, maxX, countByX } = data;
  // Terms that depend on x only, once per distinct x.
  const constant = new Float64Array(maxX + 1);
  const logA = Math.log(a);
  const logDropout = new Float64Array(maxX + 1);
  const shared = lgamma(a + b) - lgamma(b) - lgamma(r) + r * Math.log(alpha);
  for (let k = 0; k <= maxX; k++) {
    if (countByX[k] === 0) continue;
    constant[k] = shared + lgamma(r + k) + lgamma(b + k) - lgamma(a + b + k);
    logDropout[k] = k > 0 ? logA - Math.log(b + k - 1) : Number.NEGATIVE_INFINITY;
  }
  let total = 0;
  let dR = 0;
  let dAlpha = 0;
  let dA = 0;
  let dB = 0;
  for (let i = 0; i < n; i++) {
    const k = x[i]!;
    const rx = r + k;
    const logT = Math.log(alpha + T[i]!);
    const a3 = -rx * logT;
    if (k === 0) {
      total += constant[k]! + a3;
      if (gradient) {
        dR -= logT;
        dAlpha -= rx / (alpha + T[i]!);
      }
      continue;
    }
    const logTx = Math.log(alpha + tx[i]!);
    const a4 = logDropout[k]! - rx * logTx;
    const lse = logSumExp(a3, a4);
    total += constant[k]! + lse;
    if (gradient) {
      // w: the share of the "dropped out right after the last purchase" branch.
      const w = Math.exp(a4 - lse);
      dR -= (1 - w) * logT + w * logTx;
      dAlpha -= rx * ((1 - w) / (alpha + T[i]!) + w / (alpha + tx[i]!));
      dA += w / a;
      dB -= w / (b + k - 1);
    }
  }
  if (gradient) {
    // The x-only parts of the gradient, weighted by how many customers share each x.
    const psiR = digamma(r);
    const psiB = digamma(b);
    const psiAB = digamma(a + b);
    for (let k = 0; k <= maxX; k++) {
      const count = countByX[k]!;
      if (count === 0) continue;
      const psiABk = digamma(a + b + k);
      dR += count * (digamma(r + k) - psiR + Math.log(alpha));
      dAlpha += (count * r) / alpha;
      dA += count * (psiAB - psiABk);
      dB += count * (psiAB + digamma(b + k) - psiB - psiABk);
    }
    gradient[0] = dR * r;
    gradient[1] = dAlpha * alpha;
    gradient[2] = dA * a;
    gradient[3] = dB * b;
  }
  return total;
}

/** The BG/NBD log-likelihood of the data under the given parameters (sum over customers). */
export function bgnbdLogLikelihood(params: BgnbdParams, data: readonly BgnbdCustomer[]): number {
  return logLikelihood(params, prepare(data));
}

/**
 * Maximum-likelihood fit. The search runs over the log-parameters (so every parameter stays positive) with BFGS and
 * the analytic gradient, minimising the mean negative log-likelihood, then restarts once from the optimum with a
 * fresh curvature estimate to confirm it. Deterministic: the same data always give the same fit.
 */
export function fitBgnbd(data: readonly BgnbdCustomer[], options: BgnbdFitOptions = {}): BgnbdFit {
  const prepared = prepare(data);
  const n = Math.max(prepared.n, 1);
  let start = options.start;
  if (start === undefined) {
    let sumX = 0;
    let sumT = 0;
    for (let i = 0; i < prepared.n; i++) {
      sumX += prepared.x[i]!;
      sumT += prepared.T[i]!;
    }
    start = { r: 1, alpha: Math.max(sumT, 1e-3) / Math.max(sumX, 1), a: 1, b: 1 };
  }
  const toParams = (theta: ArrayLike<number>): BgnbdParams => ({
    r: Math.exp(theta[0]!),
    alpha: Math.exp(theta[1]!),
    a: Math.exp(theta[2]!),
    b: Math.exp(theta[3]!),
  });
  const objective = (theta: Float64Array, gradient: Float64Array) => {
    const value = -logLikelihood(toParams(theta), prepared, gradient) / n;
    for (let i = 0; i < 4; i++) gradient[i] = -gradient[i]! / n;
    return value;
  };
  const bounds = {
    lower: [-LOG_BOUND, -LOG_BOUND, -LOG_BOUND, -LOG_BOUND],
    upper: [LOG_BOUND, LOG_BOUND, LOG_BOUND, LOG_BOUND],
    maxIterations: options.maxIterations ?? 500,
  };
  const logStart = [start.r, start.alpha, start.a, start.b].map(Math.log);
  const first = minimize(objective, logStart, bounds);
  const second = minimize(objective, first.theta, bounds);
  const best = second.value <= first.value ? second : first;
  const params = toParams(best.theta);
  return {
    ...params,
    logLikelihood: logLikelihood(params, prepared),
    converged: second.converged,
    iterations: first.iterations + second.iterations,
  };
}

/** ln of the dropout-branch odds, ln[a/(b+x−1) ((α+T)/(α+t_x))^(r+x)]; −∞ for x = 0 (no dropout observed). */
function logDropoutOdds(params: BgnbdParams, customer: BgnbdCustomer): number {
  const { r, alpha, a, b } = params;
  const { x, tx, T } = customer;
  if (x === 0) return Number.NEGATIVE_INFINITY;
  return Math.log(a) - Math.log(b + x - 1) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + tx));
}

/** P(alive | x, t_x, T). It is 1 for every one-time buyer, which is why it is not used as a churn score. */
export function probabilityAlive(params: BgnbdParams, customer: BgnbdCustomer): number {
  const odds = logDropoutOdds(params, customer);
  return odds > 0 ? Math.exp(-odds) / (1 + Math.exp(-odds)) : 1 / (1 + Math.exp(odds));
}

/**
 * The churn score: P(no purchase in the next `horizon` | x, t_x, T) = 1 − PA + PA ((α+T)/(α+T+h))^(r+x), i.e. the
 * customer has dropped out, or is alive and simply does not buy within the horizon.
 */
export function probabilityNoPurchase(params: BgnbdParams, horizon: number, customer: BgnbdCustomer): number {
  const alive = probabilityAlive(params, customer);
  const { r, alpha } = params;
  const { x, T } = customer;
  const quiet = Math.exp((r + x) * (Math.log(alpha + T) - Math.log(alpha + T + horizon)));
  return 1 - alive + alive * quiet;
}

/**
 * [(a+b+x−1)/(a−1)] [1 − ((α+T)/(α+T+t))^(r+x) 2F1(r+x, b+x; a+b+x−1; z)], z = t/(α+T+t), the shared part of
 * E[X(t)] (x = 0, T = 0) and E[Y(t) | x, t_x, T]. Euler's transformation turns the 2F1 into
 * (1−z)^(a−1) 2F1(a+b−1−r, a−1; a+b+x−1; z), whose parameters stay small however large x is, so it never overflows.
 */
function expectedCount(params: BgnbdParams, t: number, x: number, T: number): number {
  const { r, alpha, b } = params;
  // At a = 1 the formula is 0/0; its limit is continuous, so a hair's nudge costs nothing measurable.
  const a = Math.abs(params.a - 1) < 1e-8 ? 1 + 1e-8 : params.a;
  const z = t / (alpha + T + t);
  const c = a + b + x - 1;
  const transformed = Math.exp((a - 1) * Math.log1p(-z)) * hyp2f1(a + b - 1 - r, a - 1, c, z);
  return (c / (a - 1)) * (1 - transformed);
}

/** E[X(t)]: the expected number of purchases of a new customer in (0, t]. */
export function expectedPurchases(params: BgnbdParams, t: number): number {
  if (t <= 0) return 0;
  return expectedCount(params, t, 0, 0);
}

/** E[Y(t) | x, t_x, T]: the expected number of purchases in the next t for a customer with this history. */
export function conditionalExpectedPurchases(
  params: BgnbdParams,
  t: number,
  customer: BgnbdCustomer,
): number {
  if (t <= 0) return 0;
  const { x, T } = customer;
  return expectedCount(params, t, x, T) * probabilityAlive(params, customer);
}

/**
 * P(X(t) = n) for a new customer (paper eq. 8):
 * B(a, b+n)/B(a, b) NB(n; r, α, t) + [n>0] B(a+1, b+n−1)/B(a, b) P(N(t) >= n), N(t) the NBD count.
 */
export function probabilityOfPurchases(params: BgnbdParams, t: number, n: number): number {
  const { r, alpha, a, b } = params;
  const logP = Math.log(alpha / (alpha + t));
  const logQ = Math.log(t / (alpha + t));
  const logNbd = (j: number) => lgamma(r + j) - lgamma(r) - lgamma(j + 1) + r * logP + j * logQ;
  const first = Math.exp(lbeta(a, b + n) - lbeta(a, b) + logNbd(n));
  if (n === 0) return first;
  // P(N >= n): the tail sum when the head is most of the mass (no cancellation), else 1 − head.
  let head = 0;
  for (let j = 0; j < n; j++) head += Math.exp(logNbd(j));
  let tail = 0;
  if (head > 0.5) {
    for (let j = n; j < n + 1_000_000; j++) {
      const term = Math.exp(logNbd(j));
      tail += term;
      if (term <= 1e-17 * tail && j > n + r) break;
    }
  } else tail = 1 - head;
  return first + Math.exp(lbeta(a + 1, b + n - 1) - lbeta(a, b)) * tail;
}

export interface DegenerateCheckOptions {
  /** The churn horizon, in the data's time unit: the history must span at least half of it. */
  horizon?: number;
  /** Minimum number of repeat buyers (x > 0) for the dropout process to be identified; default 30. */
  minRepeatBuyers?: number;
}

export interface DegenerateCheck {
  degenerate: boolean;
  reason: string | null;
}

/**
 * Flags a fit whose dropout part is not identified, so its churn scores should not be trusted. Rules, first match
 * wins: (1) the optimiser did not converge; (2) a parameter is not finite or a or b left [1e-4, 1e4] (ran off to a
 * bound: with e.g. a → 0 nobody ever drops out); (3) fewer than `minRepeatBuyers` (30) repeat buyers — the dropout
 * process is only seen through repeat purchases; (4) with a horizon, the longest observation T is shorter than half
 * a horizon (the model would extrapolate dropout over more than twice the time it has seen); (5) every repeat buyer
 * has P(alive) >= 0.99, i.e. the fitted dropout changes nothing. The span rule is deliberately lenient: CDNOW, where
 * BG/NBD was validated, predicts a 39-week holdout from 38.86 weeks of calibration at most.
 */
export function isDegenerateFit(
  fit: BgnbdFit,
  data: readonly BgnbdCustomer[],
  options: DegenerateCheckOptions = {},
): DegenerateCheck {
  const flag = (reason: string): DegenerateCheck => ({ degenerate: true, reason });
  if (!fit.converged)
    return flag(`the maximum-likelihood search did not converge (${fit.iterations} iterations)`);
  const { r, alpha, a, b } = fit;
  if (![r, alpha, a, b, fit.logLikelihood].every(Number.isFinite))
    return flag("a fitted parameter is not finite");
  for (const [name, value] of [
    ["a", a],
    ["b", b],
  ] as const) {
    if (value < 1e-4 || value > 1e4)
      return flag(`the dropout parameter ${name} ran off to ${value.toExponential(2)} (outside [1e-4, 1e4])`);
  }
  const minRepeat = options.minRepeatBuyers ?? 30;
  let repeatBuyers = 0;
  let maxT = 0;
  let lowestAlive = 1;
  for (const customer of data) {
    if (customer.T > maxT) maxT = customer.T;
    if (customer.x === 0) continue;
    repeatBuyers++;
    lowestAlive = Math.min(lowestAlive, probabilityAlive(fit, customer));
  }
  if (repeatBuyers < minRepeat) return flag(`only ${repeatBuyers} repeat buyers (fewer than ${minRepeat})`);
  if (options.horizon !== undefined && maxT < options.horizon / 2)
    return flag(`the history spans ${round(maxT)}, less than half the horizon (${round(options.horizon)})`);
  if (lowestAlive >= 0.99)
    return flag(
      `every repeat buyer has P(alive) >= 0.99 (lowest ${round(lowestAlive)}): no dropout is identified`,
    );
  return { degenerate: false, reason: null };
}

const round = (value: number) => Math.round(value * 1000) / 1000;
const significant = (value: number) => Number(value.toPrecision(3));

export interface ProfileInterval {
  parameter: "a" | "b";
  estimate: number;
  /** Ends of the 95 % profile-likelihood interval; null where the likelihood stays within 1.92 of its maximum
   * as far as the search went (`searchedDecades` on that side): the data cannot bound the parameter there. */
  low: number | null;
  high: number | null;
}

export interface IdentifiabilityCheck {
  identified: boolean;
  /** Why not, in words; null when identified. */
  reason: string | null;
  intervals: ProfileInterval[];
}

export interface IdentifiabilityOptions {
  /** How far each side of the estimate the profile is searched, in decades (default 5). */
  searchedDecades?: number;
  /** The widest interval, in decades, that still counts as identified (default 3). */
  maxDecades?: number;
}

/** Half the 95 % quantile of chi-square with 1 degree of freedom: the profile-likelihood interval's drop. */
const PROFILE_DROP = 3.841458820694124 / 2;

/**
 * Checks that the dropout parameters a and b are identified by the data, from their profile likelihood rather than
 * the final estimate alone: for each, the log-likelihood maximised over the other three parameters is walked away
 * from the estimate in half-decade steps (each fit starting from the last), and the 95 % interval is where it stays
 * within 1.92 of the maximum (crossings interpolated linearly in log-parameter between the steps, so the ends are
 * approximate; the decision only needs their order of magnitude). A likelihood that stays flat over
 * `searchedDecades` on a side, or an interval wider than `maxDecades`, means the data cannot tell dropout rates
 * orders of magnitude apart (e.g. everyone alive vs. a steady dropout): BG/NBD's P(alive), churn and CLV are then
 * guesses, not estimates.
 */
export function checkIdentified(
  fit: BgnbdFit,
  data: readonly BgnbdCustomer[],
  options: IdentifiabilityOptions = {},
): IdentifiabilityCheck {
  const searched = options.searchedDecades ?? 5;
  const maxDecades = options.maxDecades ?? 3;
  const prepared = prepare(data);
  const n = Math.max(prepared.n, 1);
  const best = -logLikelihood(fit, prepared) / n;
  const threshold = best + PROFILE_DROP / n;
  const logFit = [fit.r, fit.alpha, fit.a, fit.b].map(Math.log);
  const intervals: ProfileInterval[] = (["a", "b"] as const).map((parameter) => {
    const index = parameter === "a" ? 2 : 3;
    const ends = ([-1, 1] as const).map((direction) => {
      let theta = [...logFit];
      let previous = { at: logFit[index]!, value: best };
      for (let step = 1; step <= 2 * searched; step++) {
        const at = logFit[index]! + (direction * step * Math.LN10) / 2;
        if (Math.abs(at) > LOG_BOUND) return null;
        const profile = profileAt(prepared, theta, index, at);
        theta = profile.theta;
        if (profile.value > threshold) {
          const share = (threshold - previous.value) / (profile.value - previous.value);
          return Math.exp(previous.at + share * (at - previous.at));
        }
        previous = { at, value: profile.value };
      }
      return null;
    });
    return { parameter, estimate: fit[parameter], low: ends[0]!, high: ends[1]! };
  });
  const loose = intervals.find(
    (i) => i.low === null || i.high === null || Math.log10(i.high / i.low) > maxDecades,
  );
  if (!loose) return { identified: true, reason: null, intervals };
  const low =
    loose.low === null ? `below ${significant(loose.estimate / 10 ** searched)}` : significant(loose.low);
  const high =
    loose.high === null ? `above ${significant(loose.estimate * 10 ** searched)}` : significant(loose.high);
  const span =
    loose.low === null || loose.high === null
      ? `the log-likelihood stays within ${round(PROFILE_DROP)} of its maximum from ${low} to ${high}`
      : `its 95 % profile interval spans ${round(Math.log10(loose.high / loose.low))} decades (${low} to ${high})`;
  return {
    identified: false,
    reason: `the dropout parameter ${loose.parameter} is not identified: ${span}`,
    intervals,
  };
}

/** The mean negative log-likelihood maximised over the other parameters with log-parameter `index` fixed at `at`. */
function profileAt(
  prepared: Prepared,
  start: number[],
  index: number,
  at: number,
): { theta: number[]; value: number } {
  const n = Math.max(prepared.n, 1);
  const objective = (theta: Float64Array, gradient: Float64Array) => {
    const params = {
      r: Math.exp(theta[0]!),
      alpha: Math.exp(theta[1]!),
      a: Math.exp(theta[2]!),
      b: Math.exp(theta[3]!),
    };
    const value = -logLikelihood(params, prepared, gradient) / n;
    for (let i = 0; i < 4; i++) gradient[i] = -gradient[i]! / n;
    return value;
  };
  const lower = [-LOG_BOUND, -LOG_BOUND, -LOG_BOUND, -LOG_BOUND];
  const upper = [LOG_BOUND, LOG_BOUND, LOG_BOUND, LOG_BOUND];
  lower[index] = at;
  upper[index] = at;
  const theta = [...start];
  theta[index] = at;
  const result = minimize(objective, theta, { lower, upper, maxIterations: 300 });
  return { theta: result.theta, value: result.value };
}
