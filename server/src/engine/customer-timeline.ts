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
 * Transaction lines as columns: what crosses to an Engine thread (typed arrays are copied whole by the structured
 * clone, where an array of row objects is cloned object by object and costs both copies' memory). Line i is
 * customer `customerIds[customer[i]]`, at `at[i]` (ms since the epoch), of value `amount[i]`, in order
 * `orderIds[order[i]]` (-1: none, one order per timestamp), a return by status when `isReturn[i]` is 1.
 */
export interface TransactionColumns {
  customer: Int32Array;
  /** The string table of customer ids (each once). */
  customerIds: string[];
  at: Float64Array;
  amount: Float64Array;
  order: Int32Array;
  /** The string table of order ids (each once). */
  orderIds: string[];
  isReturn: Uint8Array;
}

/** Fills TransactionColumns line by line; `capacity` is the number of lines (known from the query's result). */
export class TransactionColumnsBuilder {
  private readonly columns: TransactionColumns;
  private readonly customerIndex = new Map<string, number>();
  private readonly orderIndex = new Map<string, number>();
  private length = 0;

  constructor(capacity: number) {
    this.columns = {
      customer: new Int32Array(capacity),
      customerIds: [],
      at: new Float64Array(capacity),
      amount: new Float64Array(capacity),
      order: new Int32Array(capacity),
      orderIds: [],
      isReturn: new Uint8Array(capacity),
    };
  }

  add(customerId: string, atMs: number, amount: number, orderId: string | null, isReturn: boolean): void {
    const c = this.columns;
    if (this.length === c.customer.length)
      throw new RangeError("more transaction lines than the capacity given");
    const i = this.length++;
    c.customer[i] = indexIn(this.customerIndex, c.customerIds, customerId);
    c.at[i] = atMs;
    c.amount[i] = amount;
    c.order[i] = orderId === null ? -1 : indexIn(this.orderIndex, c.orderIds, orderId);
    c.isReturn[i] = isReturn ? 1 : 0;
  }

  build(): TransactionColumns {
    const c = this.columns;
    if (this.length === c.customer.length) return c;
    const n = this.length;
    return {
      ...c,
      customer: c.customer.slice(0, n),
      at: c.at.slice(0, n),
      amount: c.amount.slice(0, n),
      order: c.order.slice(0, n),
      isReturn: c.isReturn.slice(0, n),
    };
  }
}

function indexIn(index: Map<string, number>, table: string[], value: string): number {
  let i = index.get(value);
  if (i === undefined) {
    i = table.length;
    table.push(value);
    index.set(value, i);
  }
  return i;
}

export function isTransactionColumns(
  transactions: Iterable<Transaction> | TransactionColumns,
): transactions is TransactionColumns {
  return (transactions as TransactionColumns).customer instanceof Int32Array;
}

/**
 * Groups transactions into one timeline per customer, sorted by customer id; `extra` gives each customer's
 * attributes (customers with attributes but no transaction get an empty timeline, so exposed non-buyers exist).
 * Takes rows (any iterable, so rows can stream from a cursor: each is reduced to a small line as it is read) or
 * columns; both give identical timelines.
 */
export function buildTimelines(
  transactions: Iterable<Transaction> | TransactionColumns,
  extra: ReadonlyMap<string, ExtraFields> = new Map(),
): CustomerTimeline[] {
  const byCustomer = new Map<string, Line[]>();
  const add = (customerId: string, time: number, amount: number, order: string | null, byStatus: boolean) => {
    if (!Number.isFinite(amount) || Number.isNaN(time))
      throw new RangeError(
        `customer ${customerId} has a transaction with an invalid date or amount (${amount})`,
      );
    let lines = byCustomer.get(customerId);
    if (lines === undefined) {
      lines = [];
      byCustomer.set(customerId, lines);
    }
    const isReturn = isReturnLine({ amount, isReturn: byStatus });
    // A zero-value line that is not a return buys nothing and counts for nothing.
    if (isReturn || amount > 0) lines.push({ time, order, amount, isReturn });
  };
  if (isTransactionColumns(transactions)) {
    const { customer, customerIds, at, amount, order, orderIds, isReturn } = transactions;
    for (let i = 0; i < customer.length; i++)
      add(
        customerIds[customer[i]!]!,
        at[i]!,
        amount[i]!,
        order[i]! < 0 ? null : orderIds[order[i]!]!,
        isReturn[i] === 1,
      );
  } else {
    for (const t of transactions)
      add(t.customerId, t.at.getTime(), t.amount, t.orderId ?? null, t.isReturn === true);
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
