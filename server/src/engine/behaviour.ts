/**
 * A customer's behaviour as model features, as of a moment: the same function computes the training features at
 * a backtest cutoff or an exposure and the scoring features at the reference date, from the events up to that
 * moment only (point in time: nothing later can leak in). Skewed quantities are log1p-scaled here, so the linear
 * models see them well (recency also on its own scale: its effect is neither linear nor logarithmic); the tree
 * models do not care. Purchase days are UTC days with a purchase (same-day
 * purchases merged), as in the BG/NBD preparation.
 */
import {
  type CustomerTimeline,
  countUpTo,
  DAY_MS,
  netValueBetween,
  purchaseDaysBetween,
} from "./customer-timeline.js";
import { rfmAsOf } from "./rfm.js";

/** Fixed look-back windows, in days, for the recent purchase counts and values. */
const WINDOWS = [30, 60, 90, 180] as const;
const VALUE_WINDOWS = [90, 180] as const;

/** Names of the columns of `behaviourAsOf`, in order: what the transparency data calls "features used". */
export const BEHAVIOUR_FEATURES: readonly string[] = [
  "recency (log days since the last purchase)",
  "recency (months of 30 days since the last purchase)",
  "frequency (log purchase orders)",
  "tenure (log days since the first purchase)",
  "net value (log, purchases minus returns, floored at 0)",
  "average order value (log)",
  "return rate",
  "inter-purchase time (log mean days between purchase days)",
  "inter-purchase time variation (coefficient of variation)",
  "overdue (days since the last purchase / mean inter-purchase time)",
  "trend (log ratio of purchase days in the last half horizon to the half horizon before)",
  ...WINDOWS.map((days) => `purchase days in the last ${days} days`),
  ...VALUE_WINDOWS.map((days) => `net value in the last ${days} days (log)`),
  "first purchase day's value (log)",
  "last purchase day's value (log)",
  "first gap (log days between the first two purchase days)",
  "last gap (log days between the last two purchase days)",
  "longest gap (log days)",
  "share of tenure since the last purchase",
  "repeat buyer (0/1)",
  "longest silence (log days: the longest gap or the current one, whichever is longer)",
];

/**
 * The behaviour features as of `at` (ms, inclusive), or null when the customer had not bought by then.
 * One-time buyers have no gap of their own: their inter-purchase time is their tenure (the shortest gap
 * consistent with no second purchase yet), their gaps and variation 0. The trend compares purchase days in
 * (at − window, at] with those in (at − 2 window, at − window], as log((recent + 1) / (earlier + 1)), with
 * `trendWindowDays` half the prediction horizon.
 */
export function behaviourAsOf(
  timeline: CustomerTimeline,
  at: number,
  trendWindowDays: number,
): number[] | null {
  const rfm = rfmAsOf(timeline, at);
  if (rfm.recencyDays === null || rfm.tenureDays === null) return null;
  const { days, values } = purchaseDays(timeline, at);
  const gaps = days.slice(1).map((day, i) => day - days[i]!);
  const meanGap = gaps.length > 0 ? gaps.reduce((sum, g) => sum + g, 0) / gaps.length : rfm.tenureDays;
  const variation =
    gaps.length > 1 && meanGap > 0
      ? Math.sqrt(gaps.reduce((sum, g) => sum + (g - meanGap) ** 2, 0) / gaps.length) / meanGap
      : 0;
  const window = trendWindowDays * DAY_MS;
  const recent = purchaseDaysBetween(timeline, at - window, at);
  const earlier = purchaseDaysBetween(timeline, at - 2 * window, at - window);
  const logDays = (gap: number | undefined) => Math.log1p(gap ?? 0);
  return [
    Math.log1p(rfm.recencyDays),
    rfm.recencyDays / 30,
    Math.log1p(rfm.frequency),
    Math.log1p(rfm.tenureDays),
    Math.log1p(Math.max(0, rfm.monetary)),
    Math.log1p(rfm.frequency > 0 ? rfm.grossValue / rfm.frequency : 0),
    rfm.returnRate,
    Math.log1p(meanGap),
    variation,
    rfm.recencyDays / Math.max(meanGap, 1),
    Math.log((recent + 1) / (earlier + 1)),
    ...WINDOWS.map((d) => purchaseDaysBetween(timeline, at - d * DAY_MS, at)),
    ...VALUE_WINDOWS.map((d) => Math.log1p(Math.max(0, netValueBetween(timeline, at - d * DAY_MS, at)))),
    Math.log1p(values[0]!),
    Math.log1p(values[values.length - 1]!),
    logDays(gaps[0]),
    logDays(gaps[gaps.length - 1]),
    logDays(gaps.length > 0 ? Math.max(...gaps) : 0),
    rfm.recencyDays / Math.max(rfm.tenureDays, 1),
    gaps.length > 0 ? 1 : 0,
    Math.log1p(Math.max(rfm.recencyDays, ...gaps)),
  ];
}

/** The distinct purchase days up to `at` (days since the epoch, ascending) and each day's purchased value. */
function purchaseDays(timeline: CustomerTimeline, at: number): { days: number[]; values: number[] } {
  const days: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < countUpTo(timeline.purchaseTimes, at); i++) {
    const day = Math.floor(timeline.purchaseTimes[i]! / DAY_MS);
    if (days[days.length - 1] === day) values[values.length - 1]! += timeline.purchaseAmounts[i]!;
    else {
      days.push(day);
      values.push(timeline.purchaseAmounts[i]!);
    }
  }
  return { days, values };
}

/** Names of the columns of `rfmFeaturesAsOf`, in order. */
export const RFM_FEATURES: readonly string[] = [
  "has bought (0/1)",
  "recency (log days since the last purchase)",
  "frequency (log purchase orders)",
  "net value (log, purchases minus returns, floored at 0)",
  "tenure (log days since the first purchase)",
  "average order value (log)",
  "return rate",
];

/**
 * RFM, tenure, average order value and return rate as of `at` (ms, inclusive), for every customer: one who had not
 * bought yet has "has bought" 0 and zeros elsewhere, so people exposed to a campaign before their first purchase
 * stay in the data.
 */
export function rfmFeaturesAsOf(timeline: CustomerTimeline, at: number): number[] {
  const rfm = rfmAsOf(timeline, at);
  if (rfm.recencyDays === null || rfm.tenureDays === null) return [0, 0, 0, 0, 0, 0, rfm.returnRate];
  return [
    1,
    Math.log1p(rfm.recencyDays),
    Math.log1p(rfm.frequency),
    Math.log1p(Math.max(0, rfm.monetary)),
    Math.log1p(rfm.tenureDays),
    Math.log1p(rfm.frequency > 0 ? rfm.grossValue / rfm.frequency : 0),
    rfm.returnRate,
  ];
}
