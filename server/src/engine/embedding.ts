import { type FeatureScaling, scaleFeatures, scaleLike } from "./kmeans.js";

/** What a customer's embedding is made of (the scored customer's behaviour, as of the reference date). */
export interface EmbeddingInput {
  recencyDays: number;
  frequency: number;
  monetary: number;
  returnRate: number;
  tenureDays: number;
}

/** The embedding's dimensions, in order; the database column is as wide as this list (a test checks it). */
export const EMBEDDING_FEATURES = [
  "recency (log days)",
  "frequency (log orders)",
  "net value (log, floored at 0)",
  "return rate",
  "tenure (log days)",
  "average order value (log)",
] as const;

/** Which embedding features are log-scaled (the skewed ones), in EMBEDDING_FEATURES order. */
const LOG_COLUMNS = [true, true, true, false, true, true];

const featureRow = (c: EmbeddingInput) => [
  c.recencyDays,
  c.frequency,
  Math.max(0, c.monetary),
  c.returnRate,
  c.tenureDays,
  c.frequency > 0 ? Math.max(0, c.monetary) / c.frequency : 0,
];

/**
 * A customer's behaviour as a vector, for "similar customers": recency, frequency, net spend, return rate,
 * tenure and average order value, log-scaled where skewed and z-scored across the project, so cosine distance
 * compares shapes of behaviour rather than raw magnitudes. The scaling is returned to embed later customers
 * the same way (embeddingsLike).
 */
export function customerEmbeddings(customers: readonly EmbeddingInput[]): {
  vectors: number[][];
  scaling: FeatureScaling;
} {
  const { scaled, means, scales } = scaleFeatures(customers.map(featureRow), LOG_COLUMNS);
  return { vectors: scaled, scaling: { logColumns: LOG_COLUMNS, means, scales } };
}

/** Customers embedded with a stored project scaling (an incremental run), comparable with the stored vectors. */
export function embeddingsLike(customers: readonly EmbeddingInput[], scaling: FeatureScaling): number[][] {
  return scaleLike(customers.map(featureRow), scaling);
}

/** pgvector's text form of a vector, rounded so the column stores what the model meant, not float noise. */
export const toVectorText = (vector: number[]) =>
  `[${vector.map((v) => Math.round(v * 1e6) / 1e6).join(",")}]`;
