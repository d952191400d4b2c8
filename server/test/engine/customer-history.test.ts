import { describe, expect, it } from "vitest";
import { purchaseDaysByCustomer, roundTo, summarizeHistory } from "../../src/engine/customer-history.js";
import { cdnowCsv, cdnowSamplePurchases, utc } from "./cdnow-data.js";

describe("customer history (BG/NBD preparation)", () => {
  const summary = summarizeHistory(cdnowSamplePurchases(), {
    calibrationEnd: utc("1997-09-30"),
    decimals: 2,
  });

  it("rebuilds cdnow_customers_summary.csv from CDNOW_sample.txt for all 2,357 customers", () => {
    const reference = cdnowCsv("cdnow_customers_summary.csv");
    expect(reference).toHaveLength(2357);
    expect(summary.size).toBe(2357);
    const rebuilt = reference.map((row) => {
      const s = summary.get(String(row.ID));
      return { ID: row.ID, frequency: s?.x, recency: s?.tx, T: s?.T };
    });
    expect(rebuilt).toEqual(reference);
  });

  it("rebuilds zbar (mean repeat-purchase value) of cdnow_customers_summary_with_transactions.csv", () => {
    const reference = cdnowCsv("cdnow_customers_summary_with_transactions.csv");
    const rebuilt = reference.map((row) => {
      const s = summary.get(String(row.ID));
      return { ID: row.ID, x: s?.x, t_x: s?.tx, T: s?.T, zbar: s?.zbar };
    });
    expect(rebuilt).toEqual(reference);
  });

  it("merges same-day purchases (UTC), ignores later ones and leaves out customers who start later", () => {
    const purchases = [
      { customerId: "a", at: new Date("2024-01-01T08:00:00Z"), amount: 10 },
      { customerId: "a", at: new Date("2024-01-01T23:59:00Z"), amount: 5 },
      { customerId: "a", at: new Date("2024-01-08T12:00:00Z"), amount: 20 },
      { customerId: "a", at: new Date("2024-01-15T00:00:00Z"), amount: 30 },
      { customerId: "a", at: new Date("2024-02-01T00:00:00Z"), amount: 99 },
      { customerId: "b", at: new Date("2024-02-01T00:00:00Z") },
    ];
    const weeks = summarizeHistory(purchases, { calibrationEnd: utc("2024-01-15") });
    expect([...weeks.keys()]).toEqual(["a"]);
    expect(weeks.get("a")).toEqual({ x: 2, tx: 2, T: 2, zbar: 25 });
    const days = summarizeHistory(purchases, { calibrationEnd: utc("2024-01-29"), unit: "days" });
    expect(days.get("a")).toEqual({ x: 2, tx: 14, T: 28, zbar: 25 });
    expect(purchaseDaysByCustomer(purchases).get("a")?.amounts).toEqual([15, 20, 30, 99]);
  });

  it("rounds half up like the published summaries", () => {
    expect(roundTo(272 / 7, 2)).toBe(38.86);
    expect(roundTo(22.345, 2)).toBe(22.35);
    expect(roundTo(-1.005, 2)).toBe(-1.01);
  });
});
