import { describe, expect, it } from "vitest";
import { type DateOrder, type DateResult, detectDateOrder, parseDate } from "../../src/ingest/dates.js";

const iso = (value: string | number | Date, order: DateOrder = "MDY") => {
  const result = parseDate(value, order);
  return result.ok ? result.date.toISOString() : result;
};

describe("parseDate", () => {
  it("reads ISO 8601 dates and date-times; no zone means UTC", () => {
    expect(iso("2026-05-01")).toBe("2026-05-01T00:00:00.000Z");
    expect(iso(" 2026-05-01 ")).toBe("2026-05-01T00:00:00.000Z");
    expect(iso("2026-05-01T14:03")).toBe("2026-05-01T14:03:00.000Z");
    expect(iso("2026-05-01T14:03:09")).toBe("2026-05-01T14:03:09.000Z");
    expect(iso("2026-05-01 14:03:09.25")).toBe("2026-05-01T14:03:09.250Z");
    expect(iso("2026-05-01T14:03:09.123456Z")).toBe("2026-05-01T14:03:09.123Z");
    expect(iso("2026-05-01T14:03:00Z")).toBe("2026-05-01T14:03:00.000Z");
    expect(iso("2026-05-01t14:03:00z")).toBe("2026-05-01T14:03:00.000Z");
    expect(iso("2026-05-01T14:03:00+03:00")).toBe("2026-05-01T11:03:00.000Z");
    expect(iso("2026-05-01T14:03:00+0300")).toBe("2026-05-01T11:03:00.000Z");
    expect(iso("2026-05-01T14:03:00-05")).toBe("2026-05-01T19:03:00.000Z");
    expect(iso("2026-05-01T00:30:00+01:00")).toBe("2026-04-30T23:30:00.000Z");
  });

  it("reads year-first dates with slashes, and YYYYMMDD", () => {
    expect(iso("2026/05/01")).toBe("2026-05-01T00:00:00.000Z");
    expect(iso("2026/5/1 9:05")).toBe("2026-05-01T09:05:00.000Z");
    expect(iso("2026/05/01 14:03:09")).toBe("2026-05-01T14:03:09.000Z");
    expect(iso("19970101")).toBe("1997-01-01T00:00:00.000Z");
    expect(iso("19980630", "DMY")).toBe("1998-06-30T00:00:00.000Z");
  });

  it("reads a/b/YYYY month first for MDY (and YMD), day first for DMY", () => {
    expect(iso("3/4/2026", "MDY")).toBe("2026-03-04T00:00:00.000Z");
    expect(iso("3/4/2026", "YMD")).toBe("2026-03-04T00:00:00.000Z");
    expect(iso("3/4/2026", "DMY")).toBe("2026-04-03T00:00:00.000Z");
    expect(iso("12/1/2010 8:26", "MDY")).toBe("2010-12-01T08:26:00.000Z");
    expect(iso("01/12/2010 08:26:30", "DMY")).toBe("2010-12-01T08:26:30.000Z");
    expect(iso("12/1/2010 8:26 PM", "MDY")).toBe("2010-12-01T20:26:00.000Z");
    expect(iso("12/1/2010 12:05 am", "MDY")).toBe("2010-12-01T00:05:00.000Z");
    expect(iso("12/1/2010 12:05 PM", "MDY")).toBe("2010-12-01T12:05:00.000Z");
  });

  it("reads D.M.YYYY day first whatever the order", () => {
    expect(iso("1.5.2026", "MDY")).toBe("2026-05-01T00:00:00.000Z");
    expect(iso("01.05.2026 14:03", "YMD")).toBe("2026-05-01T14:03:00.000Z");
    expect(iso("31.12.2025 23:59:59", "DMY")).toBe("2025-12-31T23:59:59.000Z");
  });

  it("reads Excel serial day numbers, as numbers or five-digit text", () => {
    expect(iso(45000)).toBe("2023-03-15T00:00:00.000Z");
    expect(iso(45000.5)).toBe("2023-03-15T12:00:00.000Z");
    expect(iso(45000 + (14 * 60 + 3) / 1440)).toBe("2023-03-15T14:03:00.000Z");
    expect(iso("45000")).toBe("2023-03-15T00:00:00.000Z");
    expect(iso("45000.25")).toBe("2023-03-15T06:00:00.000Z");
    // Excel's 1900 calendar: 1 is 1900-01-01, 59 is 28 February, 60 is a 29 February that never was.
    expect(iso(1)).toBe("1900-01-01T00:00:00.000Z");
    expect(iso(59)).toBe("1900-02-28T00:00:00.000Z");
    expect(iso(60)).toEqual({ ok: false, reason: "impossible" });
    expect(iso(61)).toBe("1900-03-01T00:00:00.000Z");
    expect(iso("4500")).toEqual({ ok: false, reason: "format" });
  });

  it("accepts a Date", () => {
    expect(iso(new Date("2026-05-01T14:03:00Z"))).toBe("2026-05-01T14:03:00.000Z");
    expect(iso(new Date(Number.NaN))).toEqual({ ok: false, reason: "format" });
  });

  it("refuses what it cannot read", () => {
    const unreadable = [
      "",
      "May 1, 2026",
      "2026-5-1",
      "01/05/26",
      "2026-05-01T14",
      "20260501T1403",
      "tomorrow",
    ];
    for (const value of unreadable)
      expect(parseDate(value, "MDY"), value).toEqual({ ok: false, reason: "format" });
    expect(parseDate(Number.POSITIVE_INFINITY, "MDY")).toEqual({ ok: false, reason: "format" });
  });

  it("refuses impossible dates and times", () => {
    const impossible = [
      "2026-02-30",
      "2026-02-29",
      "2100-02-29",
      "2026-13-01",
      "2026-00-10",
      "2026-04-31",
      "2026-05-01T24:00",
      "2026-05-01T14:60",
      "2026-05-01T14:03:60",
      "2026-05-01T14:03:00+24:00",
      "20260230",
      "13/13/2026",
      "2/30/2026",
      "30.2.2026",
      "12/1/2010 13:05 PM",
    ];
    for (const value of impossible) {
      expect(parseDate(value, "MDY"), value).toEqual({ ok: false, reason: "impossible" });
    }
    expect(iso("2024-02-29")).toBe("2024-02-29T00:00:00.000Z");
    expect(iso("2000-02-29")).toBe("2000-02-29T00:00:00.000Z");
  });

  it("refuses years outside 1900..2100, saying which year", () => {
    const cases: [string | number, number][] = [
      ["1899-12-31", 1899],
      ["2101-01-01", 2101],
      ["0001-01-01", 1],
      ["18991231", 1899],
      ["1/1/2200", 2200],
      [0, 1899],
      [99999, 2173],
    ];
    for (const [value, year] of cases) {
      expect(parseDate(value, "MDY"), String(value)).toEqual({ ok: false, reason: "year_range", year });
    }
    expect(iso("1900-01-01")).toBe("1900-01-01T00:00:00.000Z");
    expect(iso("2100-12-31T23:59:59")).toBe("2100-12-31T23:59:59.000Z");
  });
});

describe("detectDateOrder", () => {
  it("is DMY when a slashed date starts with a day over 12", () => {
    expect(detectDateOrder(["01/02/2026", "05/06/2026", "25/06/2026"])).toBe("DMY");
    expect(detectDateOrder(["06/13/2026 10:00", "25/06/2026"])).toBe("DMY");
  });

  it("is MDY when a slashed date has a second part over 12", () => {
    expect(detectDateOrder(["01/02/2026", "12/31/2026 23:00"])).toBe("MDY");
  });

  it("is MDY, the US default, when slashed dates do not tell", () => {
    expect(detectDateOrder(["01/02/2026", "05/06/2026"])).toBe("MDY");
  });

  it("is YMD for ISO and YYYYMMDD files, and DMY for dotted dates", () => {
    expect(detectDateOrder(["2026-05-01", "2026-05-02T10:00:00Z", "19970101", "2026/05/01"])).toBe("YMD");
    expect(detectDateOrder(["01.05.2026", "02.05.2026"])).toBe("DMY");
    expect(detectDateOrder([])).toBe("YMD");
  });

  it("looks at the first 1000 values only", () => {
    const samples = [...Array.from({ length: 1000 }, () => "01/02/2026"), "25/06/2026"];
    expect(detectDateOrder(samples)).toBe("MDY");
    expect(detectDateOrder(samples.slice(1))).toBe("DMY");
  });

  it("gives orders that parseDate reads the file's dates with", () => {
    const file = ["03/04/2026", "25/12/2026"];
    const order = detectDateOrder(file);
    const results: DateResult[] = file.map((value) => parseDate(value, order));
    expect(results.map((result) => result.ok && result.date.toISOString().slice(0, 10))).toEqual([
      "2026-04-03",
      "2026-12-25",
    ]);
  });
});
