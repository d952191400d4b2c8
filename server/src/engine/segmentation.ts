import { type AbcClass, abcClasses } from "./abc.js";
import type { CustomerBehaviour } from "./customer.js";
import { customerEmbeddings } from "./embedding.js";
import { type Clustering, clusterCustomers, type KStability, kStability, scaleFeatures } from "./kmeans.js";
import type { RfmScore } from "./rfm-scores.js";
import { nameSegments, rfmCutPoints, rfmSegments, type SegmentName } from "./segment-names.js";
import { abcFloors, clusterFeatureRows, type SegmentationModel } from "./segmentation-model.js";

export interface SegmentationInput {
  customers: CustomerBehaviour[];
  kMin: number;
  kMax: number;
  seed: number;
}

export interface Segmentation {
  /** Each customer's R, F and M score (1..5) against the population's quintile cut points. */
  scores: RfmScore[];
  /** Each customer's segment of the standard RFM grid, from their own scores. */
  rfmSegments: string[];
  abc: AbcClass[];
  clustering: Clustering;
  /** How stable the chosen k is across seeds. */
  stability: KStability;
  /** A name per cluster, true of its members (segment-names.ts). */
  names: SegmentName[];
  embeddings: number[][];
  /** What an incremental run needs to score changed customers the same way (segmentation-model.ts). */
  model: SegmentationModel;
  /** Milliseconds per step. */
  durations: Record<string, number>;
}

/** The k selection is rerun with this many other seeds on a sample of at most this many customers. */
const STABILITY_SEEDS = 5;
const STABILITY_SAMPLE = 3000;

/**
 * Everything segmentation computes from the customers' RFM: quintile scores and each customer's RFM grid segment,
 * ABC classes, K-Means with an automatically chosen k on log-scaled R, F and M (and how stable that k is across
 * seeds), a name per cluster that is true of its members, and each customer's embedding.
 */
export function segmentCustomers({ customers, kMin, kMax, seed }: SegmentationInput): Segmentation {
  const durations: Record<string, number> = {};
  const time = <T>(step: string, work: () => T): T => {
    const started = performance.now();
    const result = work();
    durations[step] = Math.round(performance.now() - started);
    return result;
  };
  const cuts = rfmCutPoints(customers);
  const graded = time("scores", () => rfmSegments(customers, cuts));
  const abc = time("abc", () => abcClasses(customers.map((c) => c.monetary)));
  const logColumns = [true, true, true];
  const { scaled, means, scales } = scaleFeatures(clusterFeatureRows(customers), logColumns);
  const options = { kMin, kMax, seed };
  const clustering = time("clustering", () => clusterCustomers(scaled, options));
  const stability = time("stability", () =>
    kStability(scaled, clustering.k, { ...options, seeds: STABILITY_SEEDS, sample: STABILITY_SAMPLE }),
  );
  const names = time("naming", () => nameSegments(customers, clustering.labels, clustering.k));
  const embeddings = time("embeddings", () => customerEmbeddings(customers));
  const model: SegmentationModel = {
    cuts,
    abcFloors: abcFloors(
      customers.map((c) => c.monetary),
      abc,
    ),
    clusterScaling: { logColumns, means, scales },
    centroids: clustering.centroids,
    embeddingScaling: embeddings.scaling,
  };
  return {
    scores: graded.map((g) => g.score),
    rfmSegments: graded.map((g) => g.segment),
    abc,
    clustering,
    stability,
    names,
    embeddings: embeddings.vectors,
    model,
    durations,
  };
}
