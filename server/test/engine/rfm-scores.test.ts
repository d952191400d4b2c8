import { describe, expect, it } from "vitest";
import { OTHERS, SEGMENT_MAP, segmentNameFor } from "../../src/engine/rfm-scores.js";

describe("segmentNameFor", () => {
  it("names scores by the first matching entry of the map", () => {
    const examples: [[number, number, number], string][] = [
      [[5, 5, 5], "Champions"],
      [[1, 5, 4], "Can't Lose Them"],
      [[5, 1, 1], "New Customers"],
      [[3, 1, 1], "Promising"],
      [[3, 4, 3], "Loyal Customers"],
      [[4, 2, 3], "Potential Loyalist"],
      [[2, 2, 3], "Need Attention"],
      [[2, 1, 2], "About To Sleep"],
      [[2, 4, 2], "At Risk"],
      [[1, 1, 1], "Lost"],
      [[1, 2, 1], "Hibernating"],
      [[5, 5, 1], "Others"],
    ];
    for (const [[r, f, m], name] of examples) expect(segmentNameFor({ r, f, m }), `${r}${f}${m}`).toBe(name);
  });

  it("reaches every name of the map with some scores, and has a description for each", () => {
    const reached = new Set<string>();
    for (let r = 1; r <= 5; r++) {
      for (let f = 1; f <= 5; f++) for (let m = 1; m <= 5; m++) reached.add(segmentNameFor({ r, f, m }));
    }
    expect([...reached].sort()).toEqual([...SEGMENT_MAP.map((s) => s.name), OTHERS.name].sort());
    for (const segment of [...SEGMENT_MAP, OTHERS]) expect(segment.description).toMatch(/^[A-Z].+: .+\.$/);
  });
});
