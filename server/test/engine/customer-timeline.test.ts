import { describe, expect, it } from "vitest";
import { behaviourAsOf, rfmFeaturesAsOf } from "../../src/engine/behaviour.js";
import {
  buildTimelines,
  DAY_MS,
  netValueBetween,
  purchaseDaysBetween,
  purchaseSummaryAsOf,
  type Transaction,
} from "../../src/engine/customer-timeline.js";
import { seededRandom } from "../../src/engine/random.js";
import { returnRate, rfmAsOf } from "../../src/engine/rfm.js";
import { cdnowCsv, cdnowSamplePurchases } from "./cdnow-data.js";
import { shuffled } from "./shuffle.js";

const at = (date: string) => new Date(`${date}T12:00:00Z`);
const line = (date: string, amount: number, extra: Partial<Transaction> = {}): Transaction => ({
  customerId: "c",
  at: at(date),
  amount,
  ...extra,
});
const timelineOf = (lines: Transaction[]) => buildTimelines(lines)[0]!;
const endOf = (date: string) => new Date(`${date}T23:59:59.999Z`).getTime();

describe("RFM by purchases", () => {
  // A year-old purchase, then only a cancellation, a return by status and a zero-value invoice.
  const lapsed = timelineOf([
    line("2023-06-01", 120, { orderId: "A1" }),
    line("2023-06-01", 30, { orderId: "A1" }),
    line("2023-09-01", 50, { orderId: "A2" }),
    line("2024-05-20", -50, { orderId: "C-A2" }),
    line("2024-05-25", 20, { orderId: "R1", isReturn: true }),
    line("2024-05-28", 0, { orderId: "Z1" }),
    line("2024-05-28", 0, { orderId: "Z1" }),
  ]);
  const rfm = rfmAsOf(lapsed, endOf("2024-05-31"));

  it("takes recency from the last purchase: returns, cancellations and zero-value orders do not reset it", () => {
    expect(rfm.recencyDays).toBe(273);
    expect(rfm.lastPurchaseAt).toBe(at("2023-09-01").getTime());
    expect(rfm.tenureDays).toBe(365);
  });

  it("counts distinct purchase orders with positive value, and nets returns out of monetary", () => {
    expect(rfm.frequency).toBe(2);
    expect(rfm.grossValue).toBe(200);
    expect(rfm.returnedValue).toBe(70);
    expect(rfm.monetary).toBe(130);
    expect(rfm.returnRate).toBeCloseTo(0.35, 12);
  });

  it("counts an order without an id once per moment, and from its first positive line", () => {
    const t = timelineOf([
      line("2024-01-01", 10),
      line("2024-01-01", 5),
      line("2024-01-02", 0),
      line("2024-01-03", 7),
    ]);
    expect(rfmAsOf(t, endOf("2024-01-31")).frequency).toBe(2);
    // An order counts from its first purchase line: as of its first day it is already one order.
    const split = timelineOf([
      line("2024-01-01", 10, { orderId: "O" }),
      line("2024-01-05", 5, { orderId: "O" }),
    ]);
    expect(rfmAsOf(split, endOf("2024-01-02"))).toMatchObject({ frequency: 1, grossValue: 10 });
    expect(rfmAsOf(split, endOf("2024-01-06"))).toMatchObject({
      frequency: 1,
      grossValue: 15,
      recencyDays: 1,
    });
  });

  it("defines the return rate once: returned value / purchased value, capped at 1", () => {
    expect(returnRate(200, 50)).toBe(0.25);
    // More returned than bought in the data (returns of purchases before it starts): everything was returned,
    // and monetary keeps the true negative balance.
    expect(returnRate(100, 250)).toBe(1);
    const overReturned = rfmAsOf(
      timelineOf([line("2024-01-01", 100), line("2024-01-10", -250)]),
      endOf("2024-01-31"),
    );
    expect(overReturned).toMatchObject({ returnRate: 1, monetary: -150 });
    expect(returnRate(0, 0)).toBe(0);
    expect(returnRate(0, 10)).toBe(1);
  });

  it("gives a customer with returns only no recency, frequency 0 and a negative monetary value", () => {
    const onlyReturns = rfmAsOf(
      timelineOf([line("2024-01-01", -40), line("2024-01-02", 0)]),
      endOf("2024-01-31"),
    );
    expect(onlyReturns).toEqual({
      recencyDays: null,
      frequency: 0,
      monetary: -40,
      returnRate: 1,
      grossValue: 0,
      returnedValue: 40,
      firstPurchaseAt: null,
      lastPurchaseAt: null,
      tenureDays: null,
    });
    expect(behaviourAsOf(buildTimelines([line("2024-01-01", -40)])[0]!, endOf("2024-01-31"), 30)).toBeNull();
  });
});

describe("timelines", () => {
  const transactions: Transaction[] = [];
  const random = seededRandom(5);
  for (let i = 0; i < 400; i++)
    transactions.push({
      customerId: `c${i % 37}`,
      at: new Date(Date.UTC(2024, 0, 1) + Math.floor(random() * 200) * DAY_MS),
      amount: Math.round((random() * 120 - 20) * 100) / 100,
      orderId: random() < 0.5 ? `o${Math.floor(random() * 300)}` : null,
      isReturn: random() < 0.05,
    });

  it("are identical whatever order the transactions arrive in", () => {
    const reference = buildTimelines(transactions);
    expect(reference.map((t) => t.customerId)).toEqual([...reference.map((t) => t.customerId)].sort());
    for (const seed of [1, 2, 3]) expect(buildTimelines(shuffled(transactions, seed))).toEqual(reference);
  });

  it("rebuild cdnow_customers_summary.csv from CDNOW_sample.txt; the 8 customers whose only line is $0 never bought", () => {
    const timelines = buildTimelines(cdnowSamplePurchases().map((p) => ({ ...p, amount: p.amount! })));
    const calibrationEnd = endOf("1997-09-30");
    const summaries = new Map(timelines.map((t) => [t.customerId, purchaseSummaryAsOf(t, calibrationEnd)]));
    const weeks = (days: number) => Math.round((days / 7) * 100) / 100;
    const reference = cdnowCsv("cdnow_customers_summary.csv");
    const neverBought = reference.filter((row) => summaries.get(String(row.ID)) === null);
    expect(neverBought).toHaveLength(8);
    for (const row of reference) {
      const s = summaries.get(String(row.ID));
      if (s === null) continue;
      expect({ x: s!.x, tx: weeks(s!.tx), T: weeks(s!.T) }).toEqual({
        x: row.frequency,
        tx: row.recency,
        T: row.T,
      });
    }
  });

  it("count purchase days and net value over a window (from, to]", () => {
    const t = timelineOf([
      line("2024-01-01", 10),
      line("2024-01-01", 5, { orderId: "x" }),
      line("2024-01-05", 20),
      line("2024-01-06", -8),
    ]);
    expect(purchaseDaysBetween(t, endOf("2023-12-31"), endOf("2024-01-05"))).toBe(2);
    expect(purchaseDaysBetween(t, endOf("2024-01-01"), endOf("2024-01-10"))).toBe(1);
    expect(netValueBetween(t, endOf("2024-01-01"), endOf("2024-01-10"))).toBe(12);
  });
});

describe("point-in-time features (leak test)", () => {
  const history = [
    line("2024-01-03", 40, { orderId: "1" }),
    line("2024-02-10", 25, { orderId: "2" }),
    line("2024-02-12", -5, { orderId: "2-r" }),
    line("2024-03-30", 60, { orderId: "3" }),
  ];
  const later = [
    line("2024-04-02", 500, { orderId: "4" }),
    line("2024-04-03", -60, { orderId: "3-r" }),
    line("2024-04-03", 10, { orderId: "5", isReturn: true }),
    line("2024-06-01", 0, { orderId: "6" }),
  ];
  const cutoff = endOf("2024-04-01");

  it("leaves every feature as of a moment unchanged when events after it are added", () => {
    const before = timelineOf(history);
    const after = timelineOf([...history, ...later]);
    expect(rfmAsOf(after, cutoff)).toEqual(rfmAsOf(before, cutoff));
    expect(behaviourAsOf(after, cutoff, 45)).toEqual(behaviourAsOf(before, cutoff, 45));
    expect(rfmFeaturesAsOf(after, cutoff)).toEqual(rfmFeaturesAsOf(before, cutoff));
    expect(purchaseSummaryAsOf(after, cutoff)).toEqual(purchaseSummaryAsOf(before, cutoff));
    // ...and they do see those events once the moment has passed them.
    expect(rfmAsOf(after, endOf("2024-04-03")).recencyDays).toBe(1);
  });

  it("computes the behaviour features from the events up to the moment", () => {
    const features = behaviourAsOf(timelineOf(history), cutoff, 45)!;
    // Purchase days Jan 3, Feb 10, Mar 30: gaps 38 and 49 days; as of Apr 1 the last purchase is 2 days old.
    expect(features.slice(0, 9)).toEqual([
      Math.log1p(2),
      2 / 30,
      Math.log1p(3),
      Math.log1p(89),
      Math.log1p(120),
      Math.log1p(125 / 3),
      5 / 125,
      Math.log1p(43.5),
      5.5 / 43.5,
    ]);
    // A customer known only by attributes (exposed before any purchase) has "has bought" 0 and zeros.
    const neverBought = buildTimelines([], new Map([["x", { region: "north" }]]))[0]!;
    expect(rfmFeaturesAsOf(neverBought, cutoff)).toEqual([0, 0, 0, 0, 0, 0, 0]);
  });
});
