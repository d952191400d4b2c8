import type { AbcClass } from "./abc.js";
import type { CustomerBehaviour } from "./customer.js";
import { embeddingsLike } from "./embedding.js";
import { type FeatureScaling, nearestCentroid, scaleLike } from "./kmeans.js";
import type { RfmScore } from "./rfm-scores.js";
import { segmentNameFor } from "./rfm-scores.js";
import { type RfmCutPoints, scoreAgainst } from "./segment-names.js";

/**
 * What a full segmentation learned from the whole population, kept (as plain JSON) so that an incremental run can
 * score a few changed customers exactly as that run would have scored them: the RFM quintile cut points, the ABC
 * monetary floors, the clustering's feature scaling and centroids, and the embeddings' scaling.
 */
export interface SegmentationModel {
  cuts: RfmCutPoints;
  /** The smallest monetary value classed A, and B (null: no customer in the class). */
  abcFloors: { a: number | null; b: number | null };
  clusterScaling: FeatureScaling;
  /** Cluster centroids in the scaled space, by cluster number (cluster 0 is the largest segment). */
  centroids: number[][];
  embeddingScaling: FeatureScaling;
}

export interface Rescoring {
  scores: RfmScore[];
  rfmSegments: string[];
  abc: AbcClass[];
  /** Each customer's cluster: the nearest stored centroid. */
  labels: number[];
  embeddings: number[][];
}

/** The ABC floors of a full run's classes: a later customer at or above a floor gets that class. */
export function abcFloors(
  monetary: readonly number[],
  classes: readonly AbcClass[],
): SegmentationModel["abcFloors"] {
  const floor = (wanted: AbcClass) => {
    let low: number | null = null;
    classes.forEach((c, i) => {
      if (c === wanted && (low === null || monetary[i]! < low)) low = monetary[i]!;
    });
    return low;
  };
  return { a: floor("A"), b: floor("B") };
}

/** The cluster features of customers (log-scaled R, F and M), as segmentation clusters them. */
export const clusterFeatureRows = (customers: readonly CustomerBehaviour[]) =>
  customers.map((c) => [c.recencyDays, c.frequency, Math.max(0, c.monetary)]);

/** Changed customers scored against a stored model (see SegmentationModel), in input order. */
export function rescoreCustomers({
  model,
  customers,
}: {
  model: SegmentationModel;
  customers: CustomerBehaviour[];
}): Rescoring {
  const scores = customers.map((c) => scoreAgainst(c, model.cuts));
  const { a, b } = model.abcFloors;
  const abc = customers.map((c): AbcClass => {
    if (!(c.monetary > 0)) return "C";
    if (a !== null && c.monetary >= a) return "A";
    return b !== null && c.monetary >= b ? "B" : "C";
  });
  const scaled = scaleLike(clusterFeatureRows(customers), model.clusterScaling);
  return {
    scores,
    rfmSegments: scores.map(segmentNameFor),
    abc,
    labels: scaled.map((row) => nearestCentroid(row, model.centroids).index),
    embeddings: embeddingsLike(customers, model.embeddingScaling),
  };
}
