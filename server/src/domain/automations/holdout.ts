import { seededRandom } from "../../engine/random.js";

/**
 * The holdout draw of a run: each customer (in id order) is held out with probability pct/100, from a seed
 * recorded with the run, so the split can be reproduced and audited.
 */
export function drawHoldout(customerIds: string[], seed: number, pct: number): Set<string> {
  const random = seededRandom(seed);
  const sorted = [...customerIds].sort();
  return new Set(sorted.filter(() => random() < pct / 100));
}
