/**
 * The silhouette score as scikit-learn's `silhouette_score` defines it, so a segmentation's quality figure means
 * the same thing in Segmento as in a notebook.
 */

/** Squared Euclidean distance between two feature vectors of the same length. */
export function squaredDistance(a: readonly number[], b: readonly number[]): number {
  let sum = 0;
  for (let d = 0; d < a.length; d++) {
    const delta = a[d]! - b[d]!;
    sum += delta * delta;
  }
  return sum;
}

/**
 * Mean silhouette over all samples (Euclidean). Per sample, a = mean distance to the other members of its cluster,
 * b = the smallest mean distance to the members of another cluster, s = (b - a) / max(a, b); s = 0 for a sample
 * alone in its cluster (and where a = b = 0, as sklearn's nan_to_num does). Labels may be any integers.
 * Throws unless 2 <= number of clusters <= n - 1, where the score is undefined.
 */
export function silhouetteScore(data: number[][], labels: number[]): number {
  if (labels.length !== data.length)
    throw new Error(`silhouetteScore: ${data.length} samples but ${labels.length} labels`);
  return silhouetteFromDistances(pairwiseDistances(data), labels);
}

/**
 * The Euclidean distance of every pair i < j of rows, row by row (i, then j): n (n - 1) / 2 values. The n²/2
 * distances are a silhouette's whole cost, so a caller scoring several labelings of the same rows computes them once.
 */
export function pairwiseDistances(data: number[][]): Float64Array {
  const n = data.length;
  const dimensions = data[0]?.length ?? 0;
  // Rows in one flat array: the distances are computed in a tight loop.
  const flat = new Float64Array(n * dimensions);
  data.forEach((row, i) => {
    flat.set(row, i * dimensions);
  });
  const distances = new Float64Array((n * (n - 1)) / 2);
  let at = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let squared = 0;
      for (let d = 0; d < dimensions; d++) {
        const delta = flat[i * dimensions + d]! - flat[j * dimensions + d]!;
        squared += delta * delta;
      }
      distances[at++] = Math.sqrt(squared);
    }
  }
  return distances;
}

/** silhouetteScore of `labels` on rows whose pairwise distances are given (as pairwiseDistances returns them). */
export function silhouetteFromDistances(distances: Float64Array, labels: number[]): number {
  const n = labels.length;
  if (distances.length !== (n * (n - 1)) / 2)
    throw new Error(`silhouetteScore: ${distances.length} pairwise distances do not fit ${n} labels`);
  const clusterOf = denseClusterIndices(labels);
  const k = Math.max(0, ...clusterOf) + 1;
  if (k < 2 || k > n - 1) {
    throw new Error(
      `silhouetteScore needs 2 <= number of clusters <= n - 1; got ${k} clusters for ${n} samples`,
    );
  }

  const sizes = new Array<number>(k).fill(0);
  for (const cluster of clusterOf) sizes[cluster]!++;
  // distanceSums[i * k + c] = sum of distances from sample i to the members of cluster c (each pair once).
  const distanceSums = new Float64Array(n * k);
  let at = 0;
  for (let i = 0; i < n; i++) {
    const ci = clusterOf[i]!;
    for (let j = i + 1; j < n; j++) {
      const distance = distances[at++]!;
      distanceSums[i * k + clusterOf[j]!]! += distance;
      distanceSums[j * k + ci]! += distance;
    }
  }

  let total = 0;
  for (let i = 0; i < n; i++) {
    const own = clusterOf[i]!;
    const ownSize = sizes[own]!;
    if (ownSize === 1) continue;
    const a = distanceSums[i * k + own]! / (ownSize - 1);
    let b = Number.POSITIVE_INFINITY;
    for (let c = 0; c < k; c++) {
      if (c !== own) b = Math.min(b, distanceSums[i * k + c]! / sizes[c]!);
    }
    const spread = Math.max(a, b);
    if (spread > 0) total += (b - a) / spread;
  }
  return total / n;
}

/** Arbitrary labels as 0..k-1 in order of first appearance. */
function denseClusterIndices(labels: number[]): number[] {
  const index = new Map<number, number>();
  return labels.map((label) => {
    const known = index.get(label);
    if (known !== undefined) return known;
    index.set(label, index.size);
    return index.size - 1;
  });
}
