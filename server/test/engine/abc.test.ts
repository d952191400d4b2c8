import { describe, expect, it } from "vitest";
import { type AbcClass, abcClasses } from "../../src/engine/abc.js";
import { seededRandom } from "../../src/engine/random.js";

describe("abcClasses", () => {
  it("keeps the customer who crosses a boundary in the class below it", () => {
    // Shares before each customer: 0, 50 %, 80 %, 95 % -> A, A, B (80 % is not < 80 %), C (95 % is not < 95 %).
    expect(abcClasses([50, 30, 15, 5])).toEqual(["A", "A", "B", "C"]);
    // 20 takes the cumulative share from 79 % to 99 %, but it was below 80 % before: still A.
    expect(abcClasses([79, 1, 20])).toEqual(["A", "C", "A"]);
    expect(abcClasses([80, 15, 5])).toEqual(["A", "B", "C"]);
  });

  it("answers in input order and keeps ties in input order", () => {
    expect(abcClasses([5, 50, 15, 30])).toEqual(["C", "A", "B", "A"]);
    // Shares before: 0, 20, 40, 60, 80 % -> the fifth of five equal customers is B.
    expect(abcClasses([10, 10, 10, 10, 10])).toEqual(["A", "A", "A", "A", "B"]);
  });

  it("puts customers with nothing or net returns in C without diluting the others", () => {
    expect(abcClasses([100, -20, 0])).toEqual(["A", "C", "C"]);
    expect(abcClasses([0, -5])).toEqual(["C", "C"]);
    expect(abcClasses([7])).toEqual(["A"]);
    expect(abcClasses([])).toEqual([]);
  });

  it("gives A at least 80 % and B at least the next 15 %, each with the fewest customers (seeded property)", () => {
    const random = seededRandom(2024);
    const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
    for (let run = 0; run < 500; run++) {
      const size = 1 + Math.floor(random() * 40);
      // Integers with frequent ties, some zeros and net returns, and an occasional whale.
      const monetary = Array.from({ length: size }, () => {
        const draw = random();
        if (draw < 0.1) return -Math.floor(random() * 50);
        if (draw < 0.15) return 5000;
        return Math.floor(random() * 200);
      });
      const classes = abcClasses(monetary);
      const total = sum(monetary.filter((value) => value > 0));
      const valuesOf = (wanted: AbcClass[]) =>
        monetary.filter((value, i) => value > 0 && wanted.includes(classes[i]!));
      const a = valuesOf(["A"]);
      const ab = valuesOf(["A", "B"]);
      if (total === 0) {
        expect(classes.every((abc) => abc === "C")).toBe(true);
        continue;
      }
      expect(sum(a)).toBeGreaterThanOrEqual(0.8 * total);
      expect(sum(a) - Math.min(...a)).toBeLessThan(0.8 * total);
      expect(sum(ab)).toBeGreaterThanOrEqual(0.95 * total);
      if (ab.length > a.length) expect(sum(ab) - Math.min(...valuesOf(["B"]))).toBeLessThan(0.95 * total);
      // Higher value never means a lower class.
      const minimum = (wanted: AbcClass) => Math.min(...valuesOf([wanted]));
      const maximum = (wanted: AbcClass) => Math.max(...valuesOf([wanted]));
      if (ab.length > a.length) expect(minimum("A")).toBeGreaterThanOrEqual(maximum("B"));
      expect(monetary.every((value, i) => value > 0 || classes[i] === "C")).toBe(true);
    }
  });
});
