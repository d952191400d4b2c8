import { describe, expect, it } from "vitest";
import { seededRandom } from "../../src/engine/random.js";
import {
  averageEffect,
  type ExposureGroup,
  QINI_CURVE_MAX_POINTS,
  type QiniPoint,
  qiniCoefficient,
  qiniCurve,
  reportedQiniCurve,
} from "../../src/engine/uplift-metrics.js";

/** Trapezoid-rule area under points given as (share, incremental), in rows targeted × incremental outcomes. */
function areaInRows(points: QiniPoint[], rows: number): number {
  let total = 0;
  for (let k = 1; k < points.length; k++)
    total +=
      ((points[k]!.share - points[k - 1]!.share) *
        rows *
        (points[k]!.incremental + points[k - 1]!.incremental)) /
      2;
  return total;
}

describe("the Qini curve the overview reports", () => {
  // The rows of uplift.test.ts's worked example: curve points (0, 0), (1, 1), (3, 1), (4, 0), (5, 0.5), (6, 1).
  const scores = [0.9, 0.8, 0.8, 0.5, 0.3, 0.1];
  const groups: ExposureGroup[] = ["treatment", "control", "treatment", "control", "treatment", "control"];
  const outcomes = [1, 0, 0, 1, 1, 0];

  it("keeps scikit-uplift's points, as shares of the rows, when they are few enough", () => {
    expect(reportedQiniCurve(scores, groups, outcomes)).toEqual({
      treated: 3,
      control: 3,
      points: [
        { share: 0, incremental: 0 },
        { share: 1 / 6, incremental: 1 },
        { share: 3 / 6, incremental: 1 },
        { share: 4 / 6, incremental: 0 },
        { share: 5 / 6, incremental: 0.5 },
        { share: 1, incremental: 1 },
      ],
      random: [
        { share: 0, incremental: 0 },
        { share: 1, incremental: 1 },
      ],
    });
  });

  it("reads a longer curve at evenly spaced shares, linearly between its points", () => {
    // Shares 0, 0.25, 0.5, 0.75, 1 are rows 0, 1.5, 3, 4.5, 6: on (1, 1)-(3, 1), at (3, 1), halfway (4, 0)-(5, 0.5).
    expect(reportedQiniCurve(scores, groups, outcomes, 5)!.points).toEqual([
      { share: 0, incremental: 0 },
      { share: 0.25, incremental: 1 },
      { share: 0.5, incremental: 1 },
      { share: 0.75, incremental: 0.25 },
      { share: 1, incremental: 1 },
    ]);
  });

  it("is random targeting's line when everyone has the same score, and null without rows", () => {
    const flat = reportedQiniCurve([0.2, 0.2, 0.2, 0.2, 0.2, 0.2], groups, outcomes)!;
    expect(flat.points).toEqual(flat.random);
    expect(reportedQiniCurve([], [], [])).toBeNull();
    expect(() => reportedQiniCurve(scores, groups, outcomes, 1)).toThrow(RangeError);
  });

  it("on 5,000 rows: at most 101 points by whole percents, ending at N_t x the average effect, same Qini coefficient", () => {
    const random = seededRandom(11);
    const n = 5000;
    const rows = Array.from({ length: n }, () => {
      const x = random();
      const group: ExposureGroup = random() < 0.5 ? "treatment" : "control";
      // The effect grows with x, so scoring by x ranks customers well.
      const outcome = random() < 0.1 + (group === "treatment" ? 0.2 * x : 0) ? 1 : 0;
      return { score: x + 0.05 * random(), group, outcome };
    });
    const s = rows.map((r) => r.score);
    const g = rows.map((r) => r.group);
    const y = rows.map((r) => r.outcome);
    const curve = reportedQiniCurve(s, g, y)!;
    expect(qiniCurve(s, g, y).targeted.length).toBeGreaterThan(QINI_CURVE_MAX_POINTS);
    expect(curve.points).toHaveLength(QINI_CURVE_MAX_POINTS);
    for (const [k, p] of curve.points.entries()) expect(p.share).toBeCloseTo(k / 100, 12);
    expect(curve.points[0]).toEqual({ share: 0, incremental: 0 });
    expect(curve.treated + curve.control).toBe(n);
    const end = curve.treated * averageEffect(g, y)!.estimate;
    expect(curve.points.at(-1)!.share).toBe(1);
    expect(curve.points.at(-1)!.incremental).toBeCloseTo(end, 9);
    expect(curve.random).toEqual([
      { share: 0, incremental: 0 },
      { share: 1, incremental: curve.points.at(-1)!.incremental },
    ]);
    // The coefficient from the reported points and the perfect ordering's area matches the exact one.
    const perfect = qiniCurve(
      y.map((o, i) => (g[i] === "treatment" ? o : -o)),
      g,
      y,
    );
    const perfectPoints = perfect.targeted.map((t, k) => ({
      share: t / n,
      incremental: perfect.incremental[k]!,
    }));
    const randomArea = areaInRows(curve.random, n);
    const fromCurve =
      (areaInRows(curve.points, n) - randomArea) / (areaInRows(perfectPoints, n) - randomArea);
    const exact = qiniCoefficient(s, g, y)!;
    expect(exact).toBeGreaterThan(0.1);
    expect(Math.abs(fromCurve - exact)).toBeLessThan(0.005);
  });
});
