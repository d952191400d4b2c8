import { describe, expect, it } from "vitest";
import {
  nameClusters,
  OTHERS,
  quintileScores,
  rfmScores,
  SEGMENT_MAP,
  segmentNameFor,
} from "../../src/engine/rfm-scores.js";

describe("quintileScores", () => {
  it("scores 1..5 by quintile of rank", () => {
    expect(quintileScores([10, 20, 30, 40, 50], true)).toEqual([1, 2, 3, 4, 5]);
    const ten = Array.from({ length: 10 }, (_, i) => i);
    expect(quintileScores(ten, true)).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    // Input order does not matter.
    expect(quintileScores([50, 10, 40, 20, 30], true)).toEqual([5, 1, 4, 2, 3]);
  });

  it("reverses when lower is better: the most recent customer scores 5", () => {
    expect(quintileScores([1, 100, 30, 7, 365], false)).toEqual([5, 2, 3, 4, 1]);
  });

  it("gives ties the score of their average rank", () => {
    // Ranks 1, 2.5, 2.5, 4, 5 of 5 -> ceil(5 * rank / 5) -> 1, 3, 3, 4, 5.
    expect(quintileScores([1, 2, 2, 3, 4], true)).toEqual([1, 3, 3, 4, 5]);
    // Six customers on 1 order and four on more: average rank 3.5 of 10 -> ceil(1.75) = 2.
    expect(quintileScores([1, 1, 1, 1, 1, 1, 2, 3, 4, 5], true)).toEqual([2, 2, 2, 2, 2, 2, 4, 4, 5, 5]);
    expect(quintileScores([7, 7, 7], true)).toEqual([4, 4, 4]);
    expect(quintileScores([7], false)).toEqual([5]);
    expect(quintileScores([], true)).toEqual([]);
  });
});

describe("rfmScores", () => {
  it("scores recency lower-is-better and frequency and monetary higher-is-better", () => {
    const customers = [10, 20, 30, 40, 50].map((value, i) => ({
      recencyDays: value,
      frequency: i + 1,
      monetary: 100 - value,
    }));
    expect(rfmScores(customers)).toEqual([
      { r: 5, f: 1, m: 5 },
      { r: 4, f: 2, m: 4 },
      { r: 3, f: 3, m: 3 },
      { r: 2, f: 4, m: 2 },
      { r: 1, f: 5, m: 1 },
    ]);
  });
});

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

describe("nameClusters", () => {
  const descriptionOf = (name: string) => SEGMENT_MAP.find((s) => s.name === name)?.description;

  it("names each cluster from its rounded mean scores, with the name's description", () => {
    const names = nameClusters([
      { r: 4.6, f: 4.4, m: 4.7 },
      { r: 1.2, f: 1.4, m: 1.1 },
      { r: 4.3, f: 1.2, m: 1.4 },
    ]);
    expect(names.map((n) => n.label)).toEqual(["Champions", "Lost", "New Customers"]);
    expect(names[0]!.description).toBe(descriptionOf("Champions"));
  });

  it("gives a contested name to the closest cluster and the next best free name to the other", () => {
    // Both round into Champions (4-5 on each score), but (3.6, 4.4, 4.4) lies 0.4 outside its box, so
    // (4.5, 4.5, 4.5) keeps the name and the other gets Loyal Customers, whose box holds it.
    const contested = [
      { r: 3.6, f: 4.4, m: 4.4 },
      { r: 4.5, f: 4.5, m: 4.5 },
    ];
    expect(nameClusters(contested).map((n) => n.label)).toEqual(["Loyal Customers", "Champions"]);
    // Both inside the box: the one nearer its centre (4.5, 4.5, 4.5) keeps it.
    const inside = [
      { r: 4.9, f: 4.9, m: 4.9 },
      { r: 4.4, f: 4.6, m: 4.5 },
    ];
    expect(nameClusters(inside).map((n) => n.label)).toEqual(["Loyal Customers", "Champions"]);
  });

  it("keeps names unique and numbers them once all are taken; deterministic", () => {
    const many = Array.from({ length: 15 }, (_, i) => ({ r: 1 + (i % 5), f: 1 + ((i * 2) % 5), m: 3 }));
    const names = nameClusters(many);
    const labels = names.map((n) => n.label);
    expect(new Set(labels).size).toBe(15);
    expect(labels.filter((label) => / \d+$/.test(label))).toHaveLength(15 - SEGMENT_MAP.length - 1);
    expect(nameClusters(many)).toEqual(names);
    const identical = Array.from({ length: 14 }, () => ({ r: 5, f: 5, m: 5 }));
    const repeated = nameClusters(identical).map((n) => n.label);
    expect(repeated[0]).toBe("Champions");
    expect(repeated.slice(-2)).toEqual(["Champions 2", "Champions 3"]);
  });
});
