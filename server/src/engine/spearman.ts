/**
 * Rank statistics: average ranks (ties share the mean of the ranks they span) and Spearman's rank correlation,
 * the Pearson correlation of the average ranks (as scipy.stats.spearmanr computes it).
 */

/** 1-based ranks, ascending; tied values get the average of their ranks. */
export function averageRanks(values: readonly number[]): number[] {
  const order = values.map((_, i) => i).sort((i, j) => values[i]! - values[j]!);
  const ranks = new Array<number>(values.length);
  for (let start = 0; start < order.length; ) {
    let end = start + 1;
    while (end < order.length && values[order[end]!] === values[order[start]!]) end++;
    const rank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) ranks[order[k]!] = rank;
    start = end;
  }
  return ranks;
}

/** Spearman's rho; null when there are fewer than 2 values or either side is constant. */
export function spearman(a: readonly number[], b: readonly number[]): number | null {
  if (a.length !== b.length)
    throw new RangeError(`spearman needs equal lengths (got ${a.length}, ${b.length})`);
  const n = a.length;
  if (n < 2) return null;
  const ra = averageRanks(a);
  const rb = averageRanks(b);
  const mean = (n + 1) / 2;
  let covariance = 0;
  let varianceA = 0;
  let varianceB = 0;
  for (let i = 0; i < n; i++) {
    covariance += (ra[i]! - mean) * (rb[i]! - mean);
    varianceA += (ra[i]! - mean) ** 2;
    varianceB += (rb[i]! - mean) ** 2;
  }
  if (varianceA === 0 || varianceB === 0) return null;
  return covariance / Math.sqrt(varianceA * varianceB);
}
