import { describe, expect, it } from "vitest";
import { parseNumber } from "../../src/ingest/numbers.js";

describe("parseNumber", () => {
  it("takes finite JS numbers as they are", () => {
    expect(parseNumber(129.9)).toBe(129.9);
    expect(parseNumber(-12)).toBe(-12);
    expect(parseNumber(-0)).toBe(0);
    expect(parseNumber(Number.NaN)).toBeUndefined();
    expect(parseNumber(Number.POSITIVE_INFINITY)).toBeUndefined();
  });

  it("reads plain and signed decimals", () => {
    const cases: [string, number][] = [
      ["129.90", 129.9],
      ["-12", -12],
      ["+7", 7],
      [" 42 ", 42],
      ["0.5", 0.5],
      [".5", 0.5],
      ["-0", 0],
      ["007", 7],
    ];
    for (const [text, value] of cases) expect(parseNumber(text), text).toBe(value);
  });

  it("tells thousands separators from decimal separators", () => {
    const cases: [string, number][] = [
      // both present: the last one is the decimal separator
      ["1,234.50", 1234.5],
      ["1.234,50", 1234.5],
      ["-1,234,567.891", -1234567.891],
      ["1.234.567,89", 1234567.89],
      // only dots: one is a decimal point, several separate thousands
      ["1.234", 1.234],
      ["1.234.567", 1234567],
      // only commas: d,ddd and several commas separate thousands, any other single comma is decimal
      ["1,234", 1234],
      ["123,456", 123456],
      ["1,234,567", 1234567],
      ["129,90", 129.9],
      ["0,5", 0.5],
      ["-12,5", -12.5],
      ["1234,567", 1234.567],
      ["12,3456", 12.3456],
    ];
    for (const [text, value] of cases) expect(parseNumber(text), text).toBe(value);
  });

  it("reads the exponent notation String(n) writes", () => {
    expect(parseNumber(String(1e21))).toBe(1e21);
    expect(parseNumber(String(1.5e-7))).toBe(1.5e-7);
    expect(parseNumber("-2.5E3")).toBe(-2500);
  });

  it("refuses anything else", () => {
    const refused = [
      "",
      " ",
      "-",
      "abc",
      "12abc",
      "$12",
      "12 €",
      "1 234",
      "(12.50)",
      "1,23,4.5",
      "1.23.4",
      "12.34.567,8",
      "1,2.5",
      "5.",
      "1,234.",
      "--5",
      "NaN",
      "Infinity",
      "1e400",
      "0x1A",
    ];
    for (const text of refused) expect(parseNumber(text), text).toBeUndefined();
  });
});
