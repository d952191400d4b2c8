/**
 * Each customer's transactions as a timeline the models read point in time: every feature is computed "as of" a
 * moment from the events up to it, so a model trained on the past never sees what happened after its cutoff.
 *
 * What a transaction line is (the one place this is decided):
 * - a purchase line: amount > 0 and not a return;
 * - a return line: a return by status (`isReturn`), or a negative amount (refunds, cancellations); its absolute
 *   value is returned money;
 * - a zero-value line that is not a return: ignored (it buys nothing; an invoice made only of such lines is not
 *   an order).
 * An order is its `orderId`, else its timestamp (one order per moment). A purchase order is an order with at least
 * one purchase line; it counts from its first purchase line.
 *
 * Timelines are built in a canonical order (customers by id, lines by time, order, amount, kind), so the same
 * transactions in any input order give identical timelines and identical fits downstream.
 */
import type { ExtraFields } from "./extra-fields.js";

export const DAY_MS = 86_400_000;

export interface Transaction {
  customerId: string;
  at: Date;
  /** The line's value; negative for a return, refund or cancellation. */
  amount: number;
  /** The order the line belongs to; lines without one are one order per timestamp. */
  orderId?: string | null;
  /** A return by status (returned, refunded): its absolute value counts as returned money. */
  isReturn?: boolean;
}

/** One customer's purchase and return lines, ascending in time (ms since the epoch). */
export interface CustomerTimeline {
  customerId: string;
  purchaseTimes: number[];
  purchaseAmounts: number[];
  /** 1 where a purchase line is the first purchase line of its order (the moment the order counts), else 0. */
  orderStarts: number[];
  returnTimes: number[];
  /** Returned value, positive. */
  returnAmounts: number[];
  /** The customer's own attributes (channel, region, flags): what was ingested beside the transactions. */
  extra: ExtraFields;
}

export function isReturnLine(transaction: Pick<Transaction, "amount" | "isReturn">): boolean {
  return transaction.isReturn === true || transaction.amount < 0;
}

/** A line as a timeline keeps it while grouping: no Date, no customer id (memory stays small at scale). */
interface Line {
  time: number;
  /** The order id; null: one order per moment. */
  order: string | null;
  amount: number;
  isReturn: boolean;
}

/**
 * Groups transactions into one timeline per customer, sorted by customer id; `extra` gives each customer's
 * attributes (customers with attributes but no transaction get an empty timeline, so exposed non-buyers exist).
 * Takes any iterable, so rows can stream from a cursor: each is reduced to a small line as it is read.
 */
export function buildTimelines(
  transactions: Iterable<Transaction>,
  extra: ReadonlyMap<string, ExtraFields> = new Map(),
): CustomerTimeline[] {
  const byCustomer = new Map<string, Line[]>();
  for (const transaction of transactions) {
    const time = transaction.at.getTime();
    if (!Number.isFinite(transaction.amount) || Number.isNaN(time))
      throw new RangeError(
        `customer ${transaction.customerId} has a transaction with an invalid date or amount (${transaction.amount})`,
      );
    let lines = byCustomer.get(transaction.customerId);
    if (lines === undefined) {
      lines = [];
      byCustomer.set(transaction.customerId, lines);
    }
    const isReturn = isReturnLine(transaction);
    // A zero-value line that is not a return buys nothing and counts for nothing.
    if (isReturn || transaction.amount > 0)
      lines.push({ time, order: transaction.orderId ?? null, amount: transaction.amount, isReturn });
  }
  for (const customerId of extra.keys()) if (!byCustomer.has(customerId)) byCustomer.set(customerId, []);
  return [...byCustomer.keys()]
    .sort(compareIds)
    .map((customerId) => timelineOf(customerId, byCustomer.get(customerId)!, extra.get(customerId) ?? {}));
}

/** Plain code-unit order: the same everywhere, unlike localeCompare. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const orderKey = (line: Line) => line.order ?? `@${line.time}`;

function timelineOf(customerId: string, lines: Line[], extra: ExtraFields): CustomerTimeline {
  lines.sort(
    (a, b) =>
      a.time - b.time ||
      compareIds(orderKey(a), orderKey(b)) ||
      a.amount - b.amount ||
      Number(a.isReturn) - Number(b.isReturn),
  );
  const timeline = emptyTimeline(customerId, extra);
  const seenOrders = new Set<string>();
  for (const line of lines) {
    if (line.isReturn) {
      timeline.returnTimes.push(line.time);
      timeline.returnAmounts.push(Math.abs(line.amount));
    } else {
      const order = orderKey(line);
      timeline.purchaseTimes.push(line.time);
      timeline.purchaseAmounts.push(line.amount);
      timeline.orderStarts.push(seenOrders.has(order) ? 0 : 1);
      seenOrders.add(order);
    }
  }
  return timeline;
}

/** A customer with attributes and no transaction yet (e.g. exposed to a campaign before a first purchase). */
export function emptyTimeline(customerId: string, extra: ExtraFields = {}): CustomerTimeline {
  return {
    customerId,
    purchaseTimes: [],
    purchaseAmounts: [],
    orderStarts: [],
    returnTimes: [],
    returnAmounts: [],
    extra,
  };
}

/** How many of the ascending `times` are at or before `at` (binary search). */
export function countUpTo(times: readonly number[], at: number): number {
  let low = 0;
  let high = times.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (times[middle]! <= at) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** The customer's first purchase time, or null when they have not bought by `at`. */
export function firstPurchaseAt(timeline: CustomerTimeline, at: number): number | null {
  const first = timeline.purchaseTimes[0];
  return first !== undefined && first <= at ? first : null;
}

/** Whether the customer made a purchase in (from, to]. */
export function purchasedBetween(timeline: CustomerTimeline, from: number, to: number): boolean {
  return countUpTo(timeline.purchaseTimes, to) > countUpTo(timeline.purchaseTimes, from);
}

/** Distinct purchase days (UTC) in (from, to]: the BG/NBD unit of a purchase. */
export function purchaseDaysBetween(timeline: CustomerTimeline, from: number, to: number): number {
  const start = countUpTo(timeline.purchaseTimes, from);
  const end = countUpTo(timeline.purchaseTimes, to);
  let days = 0;
  let lastDay = Number.NaN;
  for (let i = start; i < end; i++) {
    const day = Math.floor(timeline.purchaseTimes[i]! / DAY_MS);
    if (day !== lastDay) days++;
    lastDay = day;
  }
  return days;
}

/** Net value (purchases minus returns) in (from, to]: what a customer was worth over a window. */
export function netValueBetween(timeline: CustomerTimeline, from: number, to: number): number {
  let value = 0;
  for (let i = countUpTo(timeline.purchaseTimes, from); i < countUpTo(timeline.purchaseTimes, to); i++)
    value += timeline.purchaseAmounts[i]!;
  for (let i = countUpTo(timeline.returnTimes, from); i < countUpTo(timeline.returnTimes, to); i++)
    value -= timeline.returnAmounts[i]!;
  return value;
}

/**
 * The BG/NBD summary as of `at` (inclusive) in days: x = repeat purchase days, t_x = first to last purchase day,
 * T = first purchase day to the day of `at`, zbar = mean value of the repeat purchase days (same-day purchase
 * lines merged, as Fader & Hardie prepared CDNOW). Null when the customer had not bought by then.
 */
export function purchaseSummaryAsOf(
  timeline: CustomerTimeline,
  at: number,
): { x: number; tx: number; T: number; zbar: number } | null {
  const end = countUpTo(timeline.purchaseTimes, at);
  if (end === 0) return null;
  const firstDay = Math.floor(timeline.purchaseTimes[0]! / DAY_MS);
  let lastDay = firstDay;
  let days = 1;
  let repeatSpend = 0;
  for (let i = 1; i < end; i++) {
    const day = Math.floor(timeline.purchaseTimes[i]! / DAY_MS);
    if (day !== lastDay) days++;
    if (day !== firstDay) repeatSpend += timeline.purchaseAmounts[i]!;
    lastDay = day;
  }
  const x = days - 1;
  return {
    x,
    tx: lastDay - firstDay,
    T: Math.floor(at / DAY_MS) - firstDay,
    zbar: x > 0 ? repeatSpend / x : 0,
  };
}
