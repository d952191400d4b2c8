import { type AbcClass, abcClasses } from "./abc.js";
import type { CustomerBehaviour } from "./customer.js";
import { customerEmbeddings } from "./embedding.js";
import { type Clustering, clusterCustomers, scaleFeatures } from "./kmeans.js";
import { type ClusterName, nameClusters, type RfmScore, rfmScores } from "./rfm-scores.js";

export interface SegmentationInput {
  customers: CustomerBehaviour[];
  kMin: number;
  kMax: number;
  seed: number;
}

export interface Segmentation {
  scores: RfmScore[];
  abc: AbcClass[];
  clustering: Clustering;
  /** Each cluster's mean R, F and M score: what its name is chosen from. */
  clusterScores: RfmScore[];
  names: ClusterName[];
  embeddings: number[][];
  /** Milliseconds per step. */
  durations: Record<string, number>;
}

/**
 * Everything segmentation computes from the customers' RFM: quintile scores, ABC classes, K-Means with an
 * automatically chosen k on log-scaled R, F and M, a human name per cluster, and each customer's embedding.
 */
export function segmentCustomers({ customers, kMin, kMax, seed }: SegmentationInput): Segmentation {
  const durations: Record<string, number> = {};
  const time = <T>(step: string, work: () => T): T => {
    const started = performance.now();
    const result = work();
    durations[step] = Math.round(performance.now() - started);
    return result;
  };
  const scores = time("scores", () => rfmScores(customers));
  const abc = time("abc", () => abcClasses(customers.map((c) => c.monetary)));
  const clustering = time("clustering", () => {
    const { scaled } = scaleFeatures(
      customers.map((c) => [c.recencyDays, c.frequency, Math.max(0, c.monetary)]),
      [true, true, true],
    );
    return clusterCustomers(scaled, { kMin, kMax, seed });
  });
  const clusterScores = meanScoresByCluster(clustering.labels, scores, clustering.k);
  const names = time("naming", () => nameClusters(clusterScores));
  const embeddings = time("embeddings", () => customerEmbeddings(customers));
  return { scores, abc, clustering, clusterScores, names, embeddings, durations };
}

function meanScoresByCluster(labels: number[], scores: RfmScore[], k: number): RfmScore[] {
  const sums = Array.from({ length: k }, () => ({ r: 0, f: 0, m: 0, n: 0 }));
  labels.forEach((label, i) => {
    const sum = sums[label]!;
    sum.r += scores[i]!.r;
    sum.f += scores[i]!.f;
    sum.m += scores[i]!.m;
    sum.n += 1;
  });
  return sums.map(({ r, f, m, n }) => ({ r: r / (n || 1), f: f / (n || 1), m: m / (n || 1) }));
}
