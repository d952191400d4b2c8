import { describe, expect, it } from "vitest";
import { clusterCustomers, scaleFeatures } from "../../src/engine/kmeans.js";
import { seededRandom } from "../../src/engine/random.js";
import { SEGMENT_MAP } from "../../src/engine/rfm-scores.js";
import {
  nameSegments,
  quantile,
  type RfmValues,
  rfmCutPoints,
  rfmSegments,
  scoreAgainst,
} from "../../src/engine/segment-names.js";

/** A shop's customers: a recent, frequent, high-value third and a long tail of lapsed one-off buyers. */
function population(n: number, seed: number): RfmValues[] {
  const random = seededRandom(seed);
  return Array.from({ length: n }, () => {
    const loyal = random() < 0.3;
    const frequency = loyal ? 3 + Math.floor(random() * 12) : 1 + Math.floor(random() * 2);
    return {
      recencyDays: Math.floor(loyal ? random() * 60 : 30 + random() * 400),
      frequency,
      monetary: Math.round(frequency * (loyal ? 60 : 25) * (0.5 + random()) * 100) / 100,
    };
  });
}

describe("RFM scores against the population's quintile cut points", () => {
  it("uses numpy's linear-interpolation percentiles", () => {
    expect(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.8)).toBeCloseTo(8.2, 12);
    expect(quantile([5], 0.2)).toBe(5);
    const cuts = rfmCutPoints([1, 2, 3, 4, 5].map((v) => ({ recencyDays: v, frequency: v, monetary: v })));
    for (const [i, cut] of [1.8, 2.6, 3.4, 4.2].entries()) expect(cuts.recencyDays[i]).toBeCloseTo(cut, 12);
  });

  it("scores R = 1 beyond the 80th percentile of recency and 5 within the 20th; F and M the other way", () => {
    const cuts = rfmCutPoints(population(1000, 1));
    const [, , , p80] = cuts.recencyDays;
    expect(scoreAgainst({ recencyDays: p80! + 0.5, frequency: 1, monetary: 0 }, cuts).r).toBe(1);
    expect(scoreAgainst({ recencyDays: p80!, frequency: 1, monetary: 0 }, cuts).r).toBe(2);
    expect(scoreAgainst({ recencyDays: 0, frequency: 1e6, monetary: 1e9 }, cuts)).toEqual({
      r: 5,
      f: 5,
      m: 5,
    });
  });

  it("gives equal values the same score, and one-time buyers the bottom F score", () => {
    // 70 % one-time buyers: every cut point below the 80th is 1, so F = 1 for all of them.
    const customers = Array.from({ length: 100 }, (_, i) => ({
      recencyDays: i,
      frequency: i < 70 ? 1 : i < 85 ? 2 : 5,
      monetary: 10,
    }));
    const scored = rfmSegments(customers);
    expect(new Set(scored.slice(0, 70).map((s) => s.score.f))).toEqual(new Set([1]));
    expect(new Set(scored.map((s) => s.score.m))).toEqual(new Set([1]));
  });

  it("gives every customer the RFM grid's name for their own scores", () => {
    const customers = population(2000, 2);
    for (const { score, segment } of rfmSegments(customers)) {
      const entry = SEGMENT_MAP.find((s) => s.name === segment);
      if (entry === undefined) {
        expect(segment).toBe("Others");
        continue;
      }
      for (const d of ["r", "f", "m"] as const) {
        expect(score[d]).toBeGreaterThanOrEqual(entry[d][0]);
        expect(score[d]).toBeLessThanOrEqual(entry[d][1]);
      }
    }
  });
});

describe("segment names true of their members", () => {
  // The population, and one loyal big spender who has not bought for over a year.
  const customers = [...population(3000, 3), { recencyDays: 400, frequency: 12, monetary: 900 }];
  const lapsed = customers.length - 1;
  const p80 = rfmCutPoints(customers).recencyDays[3]!;
  const inactive = (c: RfmValues) => c.recencyDays > p80;

  it("never puts a customer inactive beyond the 80th percentile of recency in Champions or Loyal Customers", () => {
    const { scaled } = scaleFeatures(
      customers.map((c) => [c.recencyDays, c.frequency, c.monetary]),
      [true, true, true],
    );
    const labelings: { labels: number[]; k: number }[] = [];
    for (const seed of [1, 2, 3]) {
      const clustering = clusterCustomers(scaled, { kMin: 2, kMax: 6, seed });
      labelings.push({ labels: clustering.labels, k: clustering.k });
    }
    // k = 2 by recency half: the recent half holds some lapsed-but-loyal customers.
    labelings.push({ labels: customers.map((c) => (c.recencyDays < 100 ? 0 : 1)), k: 2 });
    // A cluster of the best customers plus a single lapsed one.
    const best = customers.map((c) => c.recencyDays < 30 && c.frequency >= 6);
    expect(inactive(customers[lapsed]!)).toBe(true);
    labelings.push({ labels: customers.map((_, i) => (best[i] || i === lapsed ? 0 : 1)), k: 2 });
    for (const { labels, k } of labelings) {
      const names = nameSegments(customers, labels, k);
      customers.forEach((c, i) => {
        if (inactive(c)) expect(["Champions", "Loyal Customers"]).not.toContain(names[labels[i]!]!.label);
      });
    }
    // Without the lapsed customer the same cluster is Champions: it is the member that blocks the name.
    const withoutLapsed = nameSegments(
      customers,
      customers.map((_, i) => (best[i] ? 0 : 1)),
      2,
    );
    expect(withoutLapsed[0]!.label).toBe("Champions");
    const withLapsed = nameSegments(customers, labelings.at(-1)!.labels, 2);
    expect(withLapsed[0]).toMatchObject({
      kind: "descriptive",
      label: "Mostly recent, frequent, high-value buyers",
    });
  });

  it("names a cluster from where its median sits against the population's quintiles", () => {
    const lapsedOneOff = customers.map((c) => c.recencyDays > 300 && c.frequency === 1);
    const names = nameSegments(
      customers,
      customers.map((_, i) => (lapsedOneOff[i] ? 1 : 0)),
      2,
    );
    expect(names[1]).toMatchObject({ position: { r: 1, f: 1 }, kind: "grid" });
    expect(["Lost", "Hibernating"]).toContain(names[1]!.label);
    expect(names[1]!.size).toBe(lapsedOneOff.filter(Boolean).length);
    for (const name of names) expect(name.description).toMatch(/\.$/);
  });

  it("gives a contested name to the larger cluster and a neutral, unique name to the other", () => {
    const recentFrequent = customers.map((c) => c.recencyDays < 30 && c.frequency >= 6);
    // Split the Champions-like customers in two, one half three times larger.
    let seen = 0;
    const labels = customers.map((_, i) => (recentFrequent[i] ? (seen++ % 4 === 0 ? 1 : 0) : 2));
    const names = nameSegments(customers, labels, 3);
    expect(names[0]!.label).toBe("Champions");
    expect(names[1]!.label).not.toBe("Champions");
    expect(new Set(names.map((n) => n.label)).size).toBe(3);
  });

  it("rejects labels outside 0..k-1 and empty clusters", () => {
    const three = customers.slice(0, 3);
    expect(() => nameSegments(three, [0, 1, 2], 2)).toThrow(/outside 0..1/);
    expect(() => nameSegments(three, [0, 0, 0], 2)).toThrow(/cluster 1 has no member/);
    expect(() => nameSegments(three, [0, 0], 1)).toThrow(/3 customers but 2 cluster labels/);
  });
});
