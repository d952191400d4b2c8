/**
 * RFM by purchases, as of a moment (see customer-timeline.ts for what a purchase, a return and an order are):
 * - recency: whole days from the last purchase line to `at`; returns, cancellations and zero-value orders never
 *   reset it; null for a customer with no purchase yet;
 * - frequency: distinct purchase orders (orders with positive value);
 * - monetary: purchases minus returns (may be negative: a customer who returned more than they bought here);
 * - return rate: returned value / purchased value, capped at 1. Above 1 means more was returned than bought in
 *   the data (returns of purchases made before the data starts): the rate says "everything bought was returned"
 *   and monetary keeps the true, negative balance. 0 with no purchase and no return; 1 with returns only.
 */
import { type CustomerTimeline, countUpTo, DAY_MS } from "./customer-timeline.js";

export interface Rfm {
  recencyDays: number | null;
  frequency: number;
  monetary: number;
  returnRate: number;
  /** Purchased value before returns. */
  grossValue: number;
  returnedValue: number;
  firstPurchaseAt: number | null;
  lastPurchaseAt: number | null;
  /** Whole days from the first purchase to `at`; null with no purchase yet. */
  tenureDays: number | null;
}

/** The customer's RFM from the events at or before `at` (ms since the epoch). */
export function rfmAsOf(timeline: CustomerTimeline, at: number): Rfm {
  const purchases = countUpTo(timeline.purchaseTimes, at);
  let grossValue = 0;
  let frequency = 0;
  for (let i = 0; i < purchases; i++) {
    grossValue += timeline.purchaseAmounts[i]!;
    frequency += timeline.orderStarts[i]!;
  }
  let returnedValue = 0;
  for (let i = 0; i < countUpTo(timeline.returnTimes, at); i++) returnedValue += timeline.returnAmounts[i]!;
  const first = purchases > 0 ? timeline.purchaseTimes[0]! : null;
  const last = purchases > 0 ? timeline.purchaseTimes[purchases - 1]! : null;
  return {
    recencyDays: last === null ? null : wholeDays(at - last),
    frequency,
    monetary: grossValue - returnedValue,
    returnRate: returnRate(grossValue, returnedValue),
    grossValue,
    returnedValue,
    firstPurchaseAt: first,
    lastPurchaseAt: last,
    tenureDays: first === null ? null : wholeDays(at - first),
  };
}

/** Returned value as a share of purchased value, capped at 1 (see the module comment). */
export function returnRate(grossValue: number, returnedValue: number): number {
  if (grossValue > 0) return Math.min(1, returnedValue / grossValue);
  return returnedValue > 0 ? 1 : 0;
}

/** Whole days in a duration, never negative. */
export function wholeDays(ms: number): number {
  return Math.max(0, Math.floor(ms / DAY_MS));
}
