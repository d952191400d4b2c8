import { scaleFeatures } from "./kmeans.js";

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

/**
 * A customer's behaviour as a vector, for "similar customers": recency, frequency, net spend, return rate,
 * tenure and average order value, log-scaled where skewed and z-scored across the project, so cosine distance
 * compares shapes of behaviour rather than raw magnitudes.
 */
export function customerEmbeddings(customers: readonly EmbeddingInput[]): number[][] {
  const rows = customers.map((c) => [
    c.recencyDays,
    c.frequency,
    Math.max(0, c.monetary),
    c.returnRate,
    c.tenureDays,
    c.frequency > 0 ? Math.max(0, c.monetary) / c.frequency : 0,
  ]);
  return scaleFeatures(rows, [true, true, true, false, true, true]).scaled;
}

/** pgvector's text form of a vector, rounded so the column stores what the model meant, not float noise. */
export const toVectorText = (vector: number[]) =>
  `[${vector.map((v) => Math.round(v * 1e6) / 1e6).join(",")}]`;
