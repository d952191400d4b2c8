import { describe, expect, it } from "vitest";
import { EMBEDDING_DIMENSIONS } from "../../src/db/migrations/20261129_004_engine.js";
import {
  customerEmbeddings,
  EMBEDDING_FEATURES,
  embeddingsLike,
  toVectorText,
} from "../../src/engine/embedding.js";

describe("customer embeddings", () => {
  const customers = [
    { recencyDays: 3, frequency: 12, monetary: 900, returnRate: 0, tenureDays: 400 },
    { recencyDays: 300, frequency: 1, monetary: 20, returnRate: 0.5, tenureDays: 300 },
    { recencyDays: 40, frequency: 4, monetary: -10, returnRate: 1, tenureDays: 90 },
  ];

  it("is as wide as the database column, one dimension per named feature", () => {
    const { vectors } = customerEmbeddings(customers);
    expect(EMBEDDING_FEATURES).toHaveLength(EMBEDDING_DIMENSIONS);
    for (const vector of vectors) expect(vector).toHaveLength(EMBEDDING_DIMENSIONS);
  });

  it("z-scores every dimension across the customers", () => {
    const { vectors } = customerEmbeddings(customers);
    for (let d = 0; d < EMBEDDING_FEATURES.length; d++) {
      const column = vectors.map((v) => v[d]!);
      expect(column.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 12);
    }
    expect(toVectorText([1 / 3, -2])).toBe("[0.333333,-2]");
  });

  it("embeds a later customer with the stored scaling exactly as the population was embedded", () => {
    const { vectors, scaling } = customerEmbeddings(customers);
    expect(embeddingsLike([customers[1]!], scaling)).toEqual([vectors[1]]);
    // A new customer is placed against the old population, not re-centred on itself.
    const [newcomer] = embeddingsLike([{ ...customers[0]!, monetary: 5000 }], scaling);
    expect(newcomer![2]).toBeGreaterThan(vectors[0]![2]!);
  });
});
