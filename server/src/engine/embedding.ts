import type { CustomerBehaviour } from "./customer.js";
import { scaleFeatures } from "./kmeans.js";

/** Length of a customer's embedding (the `vector(6)` column of customer_embeddings). */
export const EMBEDDING_DIMENSIONS = 6;

/**
 * A customer's behaviour as a vector, for "similar customers": recency, frequency, net spend, return rate,
 * tenure and average order value, log-scaled where skewed and z-scored across the project, so cosine distance
 * compares shapes of behaviour rather than raw magnitudes.
 */
export function customerEmbeddings(customers: CustomerBehaviour[]): number[][] {
  const rows = customers.map((c) => [
    c.recencyDays,
    c.frequency,
    Math.max(0, c.monetary),
    c.returnRate,
    c.tenureDays,
    c.frequency > 0 ? Math.max(0, c.monetary) / c.frequency : 0,
  ]);
  const { scaled } = scaleFeatures(rows, [true, true, true, false, true, true]);
  if (scaled[0] && scaled[0].length !== EMBEDDING_DIMENSIONS) {
    throw new Error(`embedding has ${scaled[0].length} dimensions, the column ${EMBEDDING_DIMENSIONS}`);
  }
  return scaled;
}

/** pgvector's text form of a vector, rounded so the column stores what the model meant, not float noise. */
export const toVectorText = (vector: number[]) =>
  `[${vector.map((v) => Math.round(v * 1e6) / 1e6).join(",")}]`;
