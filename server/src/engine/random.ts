/**
 * A seeded pseudo-random generator (mulberry32): every random choice the Engine makes (k-means seeding,
 * silhouette samples, train/holdout splits) comes from one of these, so a run with the same seed is the same.
 */
export function seededRandom(seed: number): () => number {
  let t = seed >>> 0;
  return () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let r = Math.imul(t ^ (t >>> 15), 1 | t);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` distinct indices of 0..n-1, drawn without replacement (all of them when count >= n). */
export function sampleIndices(n: number, count: number, random: () => number): number[] {
  const indices = Array.from({ length: n }, (_, i) => i);
  const take = Math.min(count, n);
  for (let i = 0; i < take; i++) {
    const j = i + Math.floor(random() * (n - i));
    [indices[i], indices[j]] = [indices[j]!, indices[i]!];
  }
  return indices.slice(0, take);
}

/** A seeded sample of at most `max` items, kept in their input order; all of them (a copy) when there are fewer. */
export function sampleOf<T>(items: readonly T[], max: number, random: () => number): T[] {
  if (items.length <= max) return [...items];
  return sampleIndices(items.length, max, random)
    .sort((a, b) => a - b)
    .map((i) => items[i]!);
}
