/**
 * Per-customer purchase histories in the shape the buy-till-you-die models need (x, t_x, T), prepared exactly as
 * Fader & Hardie prepared CDNOW: a customer's purchases on the same UTC calendar day are one purchase, x counts the
 * repeat purchase days, t_x and T are measured from the first purchase day.
 */

const DAY_MS = 86_400_000;

export interface PurchaseRecord {
  customerId: string;
  at: Date;
  /** Order value; optional, only the spend summary (zbar) uses it. */
  amount?: number;
}

/** One customer's distinct purchase days (days since 1970-01-01 UTC, ascending) and each day's total amount. */
export interface PurchaseDays {
  days: number[];
  amounts: number[];
}

/** The BG/NBD summary of one customer; zbar (the Gamma-Gamma input) is the mean amount of the repeat days. */
export interface CustomerSummary {
  x: number;
  tx: number;
  T: number;
  zbar: number;
}

export interface SummaryOptions {
  /** Last day of the calibration period (a UTC day; purchases during that whole day count). */
  calibrationEnd: Date;
  /** Time unit of t_x and T: weeks (7 days, the default, as in the BG/NBD paper) or days. */
  unit?: "weeks" | "days";
  /** Round t_x, T and zbar to this many decimals, as the published CDNOW summaries do (2); unrounded by default. */
  decimals?: number;
}

/** The UTC calendar day of a date, as whole days since 1970-01-01. */
export function utcDay(at: Date): number {
  return Math.floor(at.getTime() / DAY_MS);
}

/**
 * Groups purchases by customer into distinct purchase days (same-day purchases merged, amounts added), ignoring
 * purchases after `until` (a UTC day, inclusive) when given. Customers keep their first-appearance order, so
 * everything downstream is deterministic.
 */
export function purchaseDaysByCustomer(
  purchases: readonly PurchaseRecord[],
  until?: Date,
): Map<string, PurchaseDays> {
  const lastDay = until === undefined ? Number.POSITIVE_INFINITY : utcDay(until);
  const raw = new Map<string, { day: number; amount: number }[]>();
  for (const purchase of purchases) {
    const day = utcDay(purchase.at);
    if (day > lastDay) continue;
    let list = raw.get(purchase.customerId);
    if (list === undefined) {
      list = [];
      raw.set(purchase.customerId, list);
    }
    list.push({ day, amount: purchase.amount ?? 0 });
  }
  const out = new Map<string, PurchaseDays>();
  for (const [customerId, list] of raw) {
    list.sort((a, b) => a.day - b.day);
    const days: number[] = [];
    const amounts: number[] = [];
    for (const { day, amount } of list) {
      if (days.length > 0 && days[days.length - 1] === day) amounts[amounts.length - 1]! += amount;
      else {
        days.push(day);
        amounts.push(amount);
      }
    }
    out.set(customerId, { days, amounts });
  }
  return out;
}

/**
 * The (x, t_x, T, zbar) summary of one customer as of `endDay` (inclusive), in units of `unitDays` days; null when
 * the customer's first purchase is after `endDay`.
 */
export function summarizeDays(
  history: PurchaseDays,
  endDay: number,
  unitDays: number,
): CustomerSummary | null {
  const { days, amounts } = history;
  const first = days[0];
  if (first === undefined || first > endDay) return null;
  let count = 0;
  let repeatSpend = 0;
  while (count < days.length && days[count]! <= endDay) {
    if (count > 0) repeatSpend += amounts[count]!;
    count++;
  }
  const x = count - 1;
  return {
    x,
    tx: (days[count - 1]! - first) / unitDays,
    T: (endDay - first) / unitDays,
    zbar: x > 0 ? repeatSpend / x : 0,
  };
}

/** Rounds half away from zero to `decimals` places, nudged by 1e-9 so binary fractions like 22.345 round up. */
export function roundTo(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return (Math.sign(value) * Math.round(Math.abs(value) * factor + 1e-9)) / factor;
}

/**
 * Summarises every customer's calibration-period history for BG/NBD (x = repeat purchase days, t_x = first to last
 * purchase day, T = first purchase day to the calibration end) and Gamma-Gamma (zbar). Purchases after the
 * calibration end are ignored; customers whose first purchase is after it are left out.
 */
export function summarizeHistory(
  purchases: readonly PurchaseRecord[],
  options: SummaryOptions,
): Map<string, CustomerSummary> {
  const unitDays = (options.unit ?? "weeks") === "weeks" ? 7 : 1;
  const endDay = utcDay(options.calibrationEnd);
  const out = new Map<string, CustomerSummary>();
  for (const [customerId, history] of purchaseDaysByCustomer(purchases, options.calibrationEnd)) {
    const summary = summarizeDays(history, endDay, unitDays);
    if (summary === null) continue;
    const d = options.decimals;
    out.set(
      customerId,
      d === undefined
        ? summary
        : {
            x: summary.x,
            tx: roundTo(summary.tx, d),
            T: roundTo(summary.T, d),
            zbar: roundTo(summary.zbar, d),
          },
    );
  }
  return out;
}
