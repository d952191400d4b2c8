import { seededRandom } from "../../src/engine/random.js";

/** A seeded shuffle (Fisher-Yates): the same items in another order, for the tests that order must not matter. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const random = seededRandom(seed);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
