import { describe, expect, it } from "vitest";
import { findKnee } from "../../src/engine/kneedle.js";

// The cases of ml-reference.md, taken from kneed 0.8.6's own test suite (tests/test_sample.py).
const steps = Array.from({ length: 10 }, (_, i) => i);
const concaveIncreasing = [0, 60, 80, 85, 90, 95, 96, 97, 98, 99];
const concaveDecreasing = [99, 98, 97, 96, 95, 90, 85, 80, 60, 0];
const convexIncreasing = [1, 2, 3, 4, 5, 10, 15, 20, 40, 100];
const convexDecreasing = [100, 40, 20, 15, 10, 5, 4, 3, 2, 1];

describe("findKnee (kneed 0.8.6 semantics)", () => {
  it("finds the knee of the Kneedle paper's figure 2 at x = 0.2222", () => {
    const x = Array.from({ length: 10 }, (_, i) => i / 9);
    const y = x.map((value) => 5 - 1 / (value + 0.1));
    expect(findKnee(x, y, { curve: "concave", direction: "increasing" })).toBeCloseTo(0.2222, 4);
  });

  it("handles the four curve shapes", () => {
    expect(findKnee(steps, concaveIncreasing, { curve: "concave", direction: "increasing" })).toBe(2);
    expect(findKnee(steps, concaveDecreasing, { curve: "concave", direction: "decreasing" })).toBe(7);
    expect(findKnee(steps, convexIncreasing, { curve: "convex", direction: "increasing" })).toBe(7);
    expect(findKnee(steps, convexDecreasing, { curve: "convex", direction: "decreasing" })).toBe(2);
  });

  it("handles the same shapes truncated and rescaled", () => {
    const x = steps.slice(0, -3).map((value) => value / 10);
    const cut = (y: number[]) => y.slice(0, -3).map((value) => value / 10);
    expect(findKnee(x, cut(concaveIncreasing), { curve: "concave", direction: "increasing" })).toBe(0.2);
    expect(findKnee(x, cut(concaveDecreasing), { curve: "concave", direction: "decreasing" })).toBe(0.4);
    expect(findKnee(x, cut(convexIncreasing), { curve: "convex", direction: "increasing" })).toBe(0.4);
    expect(findKnee(x, cut(convexDecreasing), { curve: "convex", direction: "decreasing" })).toBe(0.2);
  });

  it("reports no knee when the difference curve never falls below the threshold", () => {
    const knee = findKnee([1, 2, 3], [0.90483742, 0.81873075, 0.74081822], {
      curve: "convex",
      direction: "decreasing",
    });
    expect(knee).toBeNull();
  });

  it("reports no knee for a flat curve or too few points", () => {
    expect(
      findKnee(
        steps,
        steps.map(() => 1),
        { curve: "concave", direction: "increasing" },
      ),
    ).toBeNull();
    expect(findKnee([1, 2], [2, 1], { curve: "convex", direction: "decreasing" })).toBeNull();
  });

  it("returns the last knee of sin(x) in online mode", () => {
    const x = Array.from({ length: 100 }, (_, i) => i * 0.1);
    const y = x.map(Math.sin);
    const online = true;
    expect(findKnee(x, y, { curve: "convex", direction: "decreasing", online })).toBeCloseTo(4.5, 10);
    expect(findKnee(x, y, { curve: "convex", direction: "increasing", online })).toBeCloseTo(4.9, 10);
    expect(findKnee(x, y, { curve: "concave", direction: "increasing", online })).toBeCloseTo(7.7, 10);
    expect(findKnee(x, y, { curve: "concave", direction: "decreasing", online })).toBeCloseTo(1.8, 10);
  });

  it("counts plateaus as maxima: S = 0 stops at the first one, S = 1 at the global one", () => {
    const x = Array.from({ length: 18 }, (_, i) => i);
    const y = [
      1, 0.787701317715959, 0.7437774524158126, 0.6559297218155198, 0.5065885797950219, 0.36749633967789164,
      0.2547584187408492, 0.16251830161054173, 0.10395314787701318, 0.06734992679355783, 0.043923865300146414,
      0.027818448023426062, 0.01903367496339678, 0.013177159590043924, 0.010248901903367497,
      0.007320644216691069, 0.005856515373352855, 0.004392386530014641,
    ];
    expect(findKnee(x, y, { curve: "convex", direction: "decreasing", sensitivity: 0 })).toBe(1);
    expect(findKnee(x, y, { curve: "convex", direction: "decreasing", sensitivity: 1 })).toBe(8);
  });

  it("finds the iris elbow at k = 3 on the k = 1..10 inertia curve, and shows the range sensitivity", () => {
    // Best-of-seeds KMeans inertia on the 4 unscaled iris features (datasets/iris/SOURCES.md).
    const inertia = [681.3706, 152.348, 78.8514, 57.2285, 46.4462, 39.04, 34.2997, 29.9904, 28.0894, 25.9671];
    const ks = inertia.map((_, i) => i + 1);
    const elbow = { curve: "convex", direction: "decreasing" } as const;
    expect(findKnee(ks, inertia, elbow)).toBe(3);
    expect(findKnee(ks.slice(0, 8), inertia.slice(0, 8), elbow)).toBe(2);
    expect(findKnee(ks.slice(1), inertia.slice(1), elbow)).toBe(4);
  });
});
