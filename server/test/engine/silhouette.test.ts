import { describe, expect, it } from "vitest";
import { clusterCustomers } from "../../src/engine/kmeans.js";
import { silhouetteScore } from "../../src/engine/silhouette.js";
import { irisData } from "./iris-data.js";

describe("silhouetteScore (scikit-learn's definition)", () => {
  const { features, species } = irisData();
  // kMin = kMax = k: the best-inertia k-means++ labels of several seeded restarts, i.e. the well-known optimum.
  const kmeansLabels = (k: number) => clusterCustomers(features, { kMin: k, kMax: k, seed: 1 }).labels;

  it("matches sklearn on iris: k-means k = 3, k = 2 and the true species", () => {
    expect(Math.abs(silhouetteScore(features, kmeansLabels(3)) - 0.552819)).toBeLessThan(0.001);
    expect(Math.abs(silhouetteScore(features, kmeansLabels(2)) - 0.681046)).toBeLessThan(0.001);
    expect(Math.abs(silhouetteScore(features, species) - 0.503477)).toBeLessThan(0.001);
  });

  it("works by hand on a small case, with any label values", () => {
    // Cluster 7 = {0, 1}, cluster 3 = {4}: for x = 0, a = 1 and b = 4, so s = 0.75; for x = 1, a = 1, b = 3,
    // s = 2/3; x = 4 is alone in its cluster, s = 0.
    expect(silhouetteScore([[0], [1], [4]], [7, 7, 3])).toBeCloseTo((0.75 + 2 / 3 + 0) / 3, 12);
  });

  it("scores identical points in one cluster 0, not NaN", () => {
    expect(silhouetteScore([[1], [1], [5], [6]], [0, 0, 1, 1])).toBeGreaterThan(0.8);
    expect(silhouetteScore([[1], [1], [1], [1]], [0, 0, 1, 1])).toBe(0);
  });

  it("refuses fewer than 2 clusters or one cluster per sample", () => {
    expect(() => silhouetteScore([[0], [1], [2]], [0, 0, 0])).toThrow(/2 <= number of clusters <= n - 1/);
    expect(() => silhouetteScore([[0], [1], [2]], [0, 1, 2])).toThrow(/got 3 clusters for 3 samples/);
    expect(() => silhouetteScore([[0], [1]], [0])).toThrow(/2 samples but 1 labels/);
  });
});
