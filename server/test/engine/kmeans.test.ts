import { kmeans } from "ml-kmeans";
import { describe, expect, it } from "vitest";
import {
  type Clustering,
  clusterCustomers,
  kmeansCentroids,
  kStability,
  scaleFeatures,
} from "../../src/engine/kmeans.js";
import { findKnee } from "../../src/engine/kneedle.js";
import { seededRandom } from "../../src/engine/random.js";
import { irisData } from "./iris-data.js";

/** A seeded standard normal draw (Box-Muller). */
function normal(random: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** A shop's customers: recency days, orders, net spend and return rate, with a loyal third. */
function shopCustomerRows(customers: number, seed: number): number[][] {
  const random = seededRandom(seed);
  const gauss = normal(random);
  return Array.from({ length: customers }, () => {
    const loyal = random() < 0.3;
    return [
      Math.exp(gauss() + (loyal ? 3 : 5)),
      Math.round(Math.exp(gauss() * 0.6 + (loyal ? 2 : 0.3))),
      Math.exp(gauss() + (loyal ? 6 : 4)) - (random() < 0.02 ? 500 : 0),
      random() < 0.1 ? random() : 0,
    ];
  });
}

const shopFeatures = (customers: number, seed: number) =>
  scaleFeatures(shopCustomerRows(customers, seed), [true, true, true, false]).scaled;

/** Every cluster of 0..k-1 has a member and each customer's centroid is its nearest one. */
function expectConsistent(result: Clustering, data: number[][]) {
  expect(result.labels).toHaveLength(data.length);
  expect(result.centroids).toHaveLength(result.k);
  const sizes = result.centroids.map((_, c) => result.labels.filter((label) => label === c).length);
  expect(sizes.every((size) => size > 0)).toBe(true);
  expect([...sizes].sort((a, b) => b - a)).toEqual(sizes);
}

describe("scaleFeatures", () => {
  it("log1p-transforms the chosen columns (negatives clipped at 0), then z-scores every column", () => {
    const { scaled, means, scales } = scaleFeatures(
      [
        [1, -5, 3],
        [3, Math.E - 1, 3],
      ],
      [false, true, false],
    );
    expect(means).toEqual([2, 0.5, 3]);
    expect(scales).toEqual([1, 0.5, 1]); // the constant column keeps scale 1
    expect(scaled).toEqual([
      [-1, -1, 0],
      [1, 1, 0],
    ]);
  });

  it("gives every non-constant column mean 0 and standard deviation 1", () => {
    const { scaled } = scaleFeatures(shopCustomerRows(500, 1), [true, true, true, false]);
    for (let c = 0; c < 4; c++) {
      const column = scaled.map((row) => row[c]!);
      const mean = column.reduce((sum, v) => sum + v, 0) / column.length;
      const variance = column.reduce((sum, v) => sum + (v - mean) ** 2, 0) / column.length;
      expect(mean).toBeCloseTo(0, 10);
      expect(variance).toBeCloseTo(1, 10);
    }
  });
});

describe("kmeansCentroids", () => {
  it("ends where ml-kmeans's seeded k-means++ run ends, to the last bit, with Hamerly's bounds skipping rows", () => {
    const shop = shopFeatures(2000, 6);
    for (const [rows, k, seed] of [
      [irisData().features, 3, 1],
      [irisData().features, 7, 42],
      [shop, 2, 3],
      [shop, 5, 9],
      [shop, 10, 123],
    ] as const) {
      const reference = kmeans(rows as number[][], k, {
        seed,
        initialization: "kmeans++",
        maxIterations: 100,
      });
      expect(kmeansCentroids(rows as number[][], k, seed)).toEqual(reference.centroids);
    }
  });
});

describe("clusterCustomers", () => {
  const { features } = irisData();

  it("finds the iris elbow at k = 3 and, by the silhouette rule, chooses k = 2", () => {
    const result = clusterCustomers(features, { kMin: 2, kMax: 10, seed: 1 });
    const inertia = (k: number) => result.diagnostics.find((d) => d.k === k)!.inertia;
    expect(result.diagnostics.map((d) => d.k)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(inertia(1)).toBeCloseTo(681.3706, 3);
    expect(inertia(2)).toBeCloseTo(152.348, 3);
    expect(inertia(3)).toBeCloseTo(78.8514, 3);
    expect(result.knee).toBe(3);
    expect(
      findKnee(
        result.diagnostics.map((d) => d.k),
        result.diagnostics.map((d) => d.inertia),
        { curve: "convex", direction: "decreasing" },
      ),
    ).toBe(3);
    // The knee's silhouette (0.553) is below 90 % of k = 2's (0.681): the better separated k wins.
    expect(result.k).toBe(2);
    expect(result.reason).toBe(
      "k = 2: the best silhouette (0.681 at k = 2); the inertia knee (Kneedle over k = 1..10) is at k = 3 " +
        "with silhouette 0.553, more than 10% below it.",
    );
    expectConsistent(result, features);
  });

  it("prefers the knee when its silhouette is within 10% of the best", () => {
    const gauss = normal(seededRandom(11));
    const cloud = Array.from({ length: 300 }, () => [gauss(), gauss()]);
    const result = clusterCustomers(cloud, { kMin: 2, kMax: 10, seed: 3 });
    const silhouettes = result.diagnostics.flatMap((d) => (d.silhouette === null ? [] : [d.silhouette]));
    const best = Math.max(...silhouettes);
    const chosen = result.diagnostics.find((d) => d.k === result.k)!;
    expect(result.k).toBe(result.knee);
    expect(chosen.silhouette).toBeLessThan(best);
    expect(chosen.silhouette).toBeGreaterThanOrEqual(0.9 * best);
    expect(result.reason).toMatch(/^k = \d+: the inertia knee .* within 10% of the best silhouette/);
  });

  it("is reproducible from its seed in any input order, also when it fits on a sample, and says on how many", () => {
    expect(clusterCustomers(features, { kMin: 2, kMax: 6, seed: 9 })).toEqual(
      clusterCustomers(features, { kMin: 2, kMax: 6, seed: 9 }),
    );
    const shop = shopFeatures(3000, 4);
    const options = { kMin: 2, kMax: 4, seed: 5, silhouetteSample: 500, fitSample: 1000 };
    const first = clusterCustomers(shop, options);
    expect(first.sample).toEqual({ customers: 3000, fitted: 1000, silhouette: 500 });
    expectConsistent(first, shop);
    // The same customers shuffled: every customer keeps its cluster, every figure stays.
    const random = seededRandom(8);
    const order = shop.map((_, i) => i).sort(() => random() - 0.5);
    const shuffled = clusterCustomers(
      order.map((i) => shop[i]!),
      options,
    );
    expect(shuffled.labels).toEqual(order.map((i) => first.labels[i]));
    expect({ ...shuffled, labels: [] }).toEqual({ ...first, labels: [] });
  });

  it("never throws on small data: one segment per distinct profile, with the reason", () => {
    const options = { kMin: 2, kMax: 10, seed: 1 };
    expect(clusterCustomers([], options)).toMatchObject({ k: 0, labels: [], centroids: [], diagnostics: [] });
    const one = clusterCustomers([[3, 1, 40]], options);
    expect(one).toMatchObject({ k: 1, labels: [0], centroids: [[3, 1, 40]] });
    expect(one.reason).toMatch(/^Only 1 distinct customer profile\(s\) among 1 customer\(s\)/);
    expect(clusterCustomers([[1], [1], [1]], options)).toMatchObject({ k: 1, labels: [0, 0, 0] });
    const two = clusterCustomers([[1], [9], [1], [1]], options);
    expect(two).toMatchObject({ k: 2, labels: [0, 1, 0, 0], centroids: [[1], [9]] });
    const few = clusterCustomers([[1], [5], [9]], { ...options, kMin: 3 });
    expect(few).toMatchObject({
      k: 3,
      reason: expect.stringMatching(/^Only 3 customers, fewer than the 4 needed/),
    });
    const profiles = clusterCustomers([[1], [5], [9], [1], [5], [9]], { ...options, kMin: 4 });
    expect(profiles).toMatchObject({
      k: 3,
      reason: expect.stringMatching(/^Only 3 distinct customer profiles/),
    });
  });

  it("caps k at the number of distinct profiles and at n - 1", () => {
    const result = clusterCustomers([[0], [0], [10], [10], [20], [20], [30]], { kMin: 2, kMax: 10, seed: 1 });
    expect(Math.max(...result.diagnostics.map((d) => d.k))).toBe(4);
    expect(
      clusterCustomers([[0], [4], [10]], { kMin: 2, kMax: 10, seed: 1 }).diagnostics.map((d) => d.k),
    ).toEqual([1, 2]);
  });

  it("rejects an invalid k range", () => {
    expect(() => clusterCustomers(features, { kMin: 1, kMax: 5, seed: 1 })).toThrow(/2 <= kMin <= kMax/);
    expect(() => clusterCustomers(features, { kMin: 6, kMax: 5, seed: 1 })).toThrow(/2 <= kMin <= kMax/);
  });

  it("reports how stable the chosen k is across seeds", () => {
    // Iris from 5 other seeds: the silhouette rule picks k = 2 every time.
    const stability = kStability(features, 2, { kMin: 2, kMax: 6, seed: 1 });
    expect(stability.sampleSize).toBe(150);
    expect(stability.runs).toHaveLength(5);
    expect(new Set(stability.runs.map((run) => run.seed)).size).toBe(5);
    expect(stability.agreement).toBe(1);
    expect(kStability(features, 3, { kMin: 2, kMax: 6, seed: 1, seeds: 2 }).agreement).toBe(0);
  });
});
