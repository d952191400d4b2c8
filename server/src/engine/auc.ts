/**
 * Area under the ROC curve: the probability that a random positive scores above a random negative (ties count
 * half), computed from ranks in O(n log n). Positives are labels 1 (or true). Undefined (null) without both classes.
 */
export function rocAuc(scores: readonly number[], labels: readonly (number | boolean)[]): number | null {
  const n = scores.length;
  const order = scores.map((score, i) => ({ score, positive: labels[i] === 1 || labels[i] === true }));
  order.sort((a, b) => a.score - b.score);
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && order[j + 1]!.score === order[i]!.score) j++;
    const averageRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (order[k]!.positive) {
        positives++;
        rankSum += averageRank;
      }
    }
    i = j + 1;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return null;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}
