import { Random } from "ml-random";
import { findKnee } from "./kneedle.js";
import { sampleIndices, seededRandom } from "./random.js";
import { pairwiseDistances, silhouetteFromDistances, squaredDistance } from "./silhouette.js";

/**
 * K-Means segmentation with an automatic k, reproducible from a seed.
 *
 * For each k in [kMin, min(kMax, n - 1, distinct customer profiles)], seeded k-means++ (ml-kmeans) runs RESTARTS
 * times and the centroids with the lowest inertia (sum of squared distances to the assigned centroid) are kept.
 * Speed: above `fitSample` customers (default 20,000) the centroids are fitted on a seeded sample of that many rows,
 * then every customer is assigned to the nearest centroid and inertia is measured on all of them; 20k rows place
 * the centroids as well as the full data does for a segmentation, and keep time linear in customers.
 * The silhouette of each k is computed on one seeded sample of at most `silhouetteSample` customers, the same for
 * every k, because it costs O(n²).
 *
 * k selection rule: Kneedle (convex, decreasing) finds the knee of inertia(k) over k = 1 (the total sum of
 * squares, no clustering needed) and the tried range; anchoring the curve at k = 1 makes the elbow the one of the
 * usual elbow plot instead of one that moves with kMin. If there is a knee and its silhouette is within 10 % of
 * the best silhouette (at least 90 % of it), the knee is chosen: the simpler reading of the elbow wins when the
 * separation is nearly as good. Otherwise the k with the best silhouette is chosen (ties: the smaller k).
 *
 * Small data never throws: with no customers k = 0; with fewer than 3 distinct profiles, fewer than kMin + 1
 * customers or fewer distinct profiles than kMin there is nothing to compare, so every distinct profile is its
 * own segment (1 customer gives k = 1), and `reason` says which case applied.
 */

export type ClusterOptions = {
  kMin: number;
  kMax: number;
  seed: number;
  /** Customers the silhouette is computed on, sampled when there are more (default 2000). */
  silhouetteSample?: number;
  /** Lloyd iterations per k-means run (default 100). */
  maxIterations?: number;
  /** Customers the centroids are fitted on, sampled when there are more (default 20,000). */
  fitSample?: number;
};

/** One tried k. k = 1 is included as the anchor of the inertia curve; its silhouette is undefined (null). */
export type KDiagnostic = { k: number; inertia: number; silhouette: number | null };

export type Clustering = {
  k: number;
  /** Cluster of each customer, numbered by size: cluster 0 is the largest segment. */
  labels: number[];
  centroids: number[][];
  /** The knee of the inertia curve, null when Kneedle finds none. */
  knee: number | null;
  /** The selection rule applied, in one sentence with its numbers. */
  reason: string;
  diagnostics: KDiagnostic[];
  /** How many customers the centroids were fitted on and the silhouettes computed on. */
  sample: { customers: number; fitted: number; silhouette: number };
};

const RESTARTS = 4;
const DEFAULT_FIT_SAMPLE = 20_000;
const KNEE_TOLERANCE = 0.1;

/**
 * Feature rows ready for k-means: log1p on the `logColumns` (skewed ones like frequency and monetary; negative
 * values are clipped at 0 first, since a net refund is not "less than nothing" bought and log1p needs > -1), then
 * z-scores with the population standard deviation (scale 1 for a constant column). `means` and `scales` are those
 * of the log-transformed columns, to scale other rows the same way.
 */
export function scaleFeatures(
  rows: number[][],
  logColumns: boolean[],
): { scaled: number[][]; means: number[]; scales: number[] } {
  const transformed = logTransform(rows, logColumns);
  const n = Math.max(rows.length, 1);
  const means = logColumns.map((_, c) => transformed.reduce((sum, row) => sum + row[c]!, 0) / n);
  const scales = means.map((mean, c) => {
    const deviation = Math.sqrt(transformed.reduce((sum, row) => sum + (row[c]! - mean) ** 2, 0) / n);
    return deviation > 0 ? deviation : 1;
  });
  return { scaled: standardize(transformed, means, scales), means, scales };
}

/** How a population's rows were scaled (scaleFeatures), kept to scale other rows the same way later. */
export interface FeatureScaling {
  logColumns: boolean[];
  means: number[];
  scales: number[];
}

/** Rows scaled exactly as the population `scaling` was taken from (new customers against stored models). */
export function scaleLike(rows: number[][], scaling: FeatureScaling): number[][] {
  return standardize(logTransform(rows, scaling.logColumns), scaling.means, scaling.scales);
}

function logTransform(rows: number[][], logColumns: boolean[]): number[][] {
  return rows.map((row) => {
    if (row.length !== logColumns.length) {
      throw new Error(`scaleFeatures: a row has ${row.length} columns, logColumns ${logColumns.length}`);
    }
    return row.map((value, c) => (logColumns[c] ? Math.log1p(Math.max(0, value)) : value));
  });
}

const standardize = (rows: number[][], means: number[], scales: number[]) =>
  rows.map((row) => row.map((value, c) => (value - means[c]!) / scales[c]!));

/** The centroid nearest to `row` (squared Euclidean distance; ties: the lower index) and that distance. */
export function nearestCentroid(
  row: readonly number[],
  centroids: readonly (readonly number[])[],
): { index: number; distance: number } {
  let index = 0;
  let distance = Number.POSITIVE_INFINITY;
  centroids.forEach((centroid, c) => {
    const d = squaredDistance(row, centroid);
    if (d < distance) {
      index = c;
      distance = d;
    }
  });
  return { index, distance };
}

/**
 * Customers' feature rows clustered with an automatically chosen k (rules in the file comment). The rows are
 * clustered in a canonical order (sorted by their values), so the same rows in any order, with the same seed,
 * give the same clusters; labels come back in the input order.
 */
export function clusterCustomers(data: number[][], options: ClusterOptions): Clustering {
  const { kMin, kMax } = options;
  if (!Number.isInteger(kMin) || !Number.isInteger(kMax) || kMin < 2 || kMax < kMin) {
    throw new Error(`clusterCustomers needs integers 2 <= kMin <= kMax; got kMin ${kMin}, kMax ${kMax}`);
  }
  const order = data.map((_, i) => i).sort((i, j) => compareRows(data[i]!, data[j]!));
  const result = clusterInOrder(
    order.map((i) => data[i]!),
    options,
  );
  const labels = new Array<number>(data.length);
  order.forEach((i, position) => {
    labels[i] = result.labels[position]!;
  });
  return { ...result, labels };
}

function compareRows(a: number[], b: number[]): number {
  for (let d = 0; d < a.length; d++) if (a[d] !== b[d]) return a[d]! - b[d]!;
  return 0;
}

function clusterInOrder(data: number[][], options: ClusterOptions): Clustering {
  const { kMin, kMax, seed } = options;
  const n = data.length;
  const random = seededRandom(seed);
  const profiles = distinctProfiles(data, kMax + 1);
  const kHigh = Math.min(kMax, n - 1, profiles.length);
  const tooSmall = smallDataReason(n, profiles.length, kMin, kHigh);
  const flat = flatRows(data);
  if (tooSmall !== null) {
    const { labels } = assignToNearest(flat, profiles);
    const sample = { customers: n, fitted: n, silhouette: 0 };
    return { ...numberBySize(labels, profiles), knee: null, reason: tooSmall, diagnostics: [], sample };
  }
  const fitSample = options.fitSample ?? DEFAULT_FIT_SAMPLE;
  let fitRows = n > fitSample ? sampleIndices(n, fitSample, random).map((i) => data[i]!) : data;
  // k-means++ needs k distinct rows: if the sample missed rare profiles, fit on everyone.
  if (distinctProfiles(fitRows, kHigh).length < kHigh) fitRows = data;
  const fitFlat = fitRows === data ? flat : flatRows(fitRows);

  const silhouetteRows = sampleIndices(n, options.silhouetteSample ?? 2000, random).sort((a, b) => a - b);
  // The sample's pairwise distances are the same for every k: computed once, each k only regroups them.
  const silhouetteDistances = pairwiseDistances(silhouetteRows.map((i) => data[i]!));
  const restartSeeds = Array.from({ length: RESTARTS }, () => Math.floor(random() * 2 ** 31));
  const fits: (KDiagnostic & { centroids: number[][]; labels: number[] })[] = [];
  for (let k = kMin; k <= kHigh; k++) {
    const centroids = bestOfRestarts(fitFlat, k, restartSeeds, options.maxIterations ?? 100);
    const { labels, inertia } = assignToNearest(flat, centroids);
    const silhouette = sampleSilhouette(silhouetteDistances, labels, silhouetteRows);
    fits.push({ k, centroids, labels, inertia, silhouette });
  }

  const diagnostics: KDiagnostic[] = [
    { k: 1, inertia: assignToNearest(flat, [columnMeans(data)]).inertia, silhouette: null },
    ...fits.map(({ k, inertia, silhouette }) => ({ k, inertia, silhouette })),
  ];
  const knee = findKnee(
    diagnostics.map((d) => d.k),
    diagnostics.map((d) => d.inertia),
    { curve: "convex", direction: "decreasing" },
  );
  const { k, reason } = chooseK(diagnostics.slice(1), knee);
  const chosen = fits.find((fit) => fit.k === k)!;
  const sample = { customers: n, fitted: fitRows.length, silhouette: silhouetteRows.length };
  return { ...numberBySize(chosen.labels, chosen.centroids), knee, reason, diagnostics, sample };
}

export interface KStability {
  /** The k chosen with each seed, on one seeded sample of the customers. */
  runs: { seed: number; k: number }[];
  /** Share of the runs that chose `chosenK`. */
  agreement: number;
  sampleSize: number;
}

/**
 * How stable the chosen k is: the k selection is rerun with `seeds` other seeds (derived from options.seed) on one
 * seeded sample of at most `sample` customers (default 5,000; each run costs a full k selection), and the share of
 * runs that choose `chosenK` is reported. 1 means every seed agrees.
 */
export function kStability(
  data: number[][],
  chosenK: number,
  options: ClusterOptions & { seeds?: number; sample?: number },
): KStability {
  const random = seededRandom(options.seed ^ 0x5eed);
  const rows = sampleIndices(data.length, options.sample ?? 5000, random)
    .sort((a, b) => a - b)
    .map((i) => data[i]!);
  const runs = Array.from({ length: options.seeds ?? 5 }, () => Math.floor(random() * 2 ** 31)).map(
    (seed) => ({
      seed,
      k: clusterCustomers(rows, { ...options, seed }).k,
    }),
  );
  const agreeing = runs.filter((run) => run.k === chosenK).length;
  return { runs, agreement: runs.length > 0 ? agreeing / runs.length : 0, sampleSize: rows.length };
}

/** Why there is nothing to choose between, or null when k can be chosen normally. */
function smallDataReason(n: number, profiles: number, kMin: number, kHigh: number): string | null {
  if (n === 0) return "There are no customers to segment.";
  const perProfile = `one segment per distinct customer profile (k = ${profiles})`;
  if (profiles < 3) {
    return `Only ${profiles} distinct customer profile(s) among ${n} customer(s), too few to compare values of k: ${perProfile}.`;
  }
  if (n < kMin + 1)
    return `Only ${n} customers, fewer than the ${kMin + 1} needed to try k = ${kMin}: ${perProfile}.`;
  if (kHigh < kMin)
    return `Only ${profiles} distinct customer profiles, fewer than the smallest k tried (${kMin}): ${perProfile}.`;
  return null;
}

/** The k selection rule of the file comment, with its reason. */
function chooseK(tried: KDiagnostic[], knee: number | null): { k: number; reason: string } {
  const best = tried.reduce<KDiagnostic | undefined>(
    (top, d) => (d.silhouette !== null && (top === undefined || d.silhouette > top.silhouette!) ? d : top),
    undefined,
  );
  const atKnee = tried.find((d) => d.k === knee);
  if (best?.silhouette == null) {
    const k = atKnee?.k ?? tried[0]!.k;
    const source = atKnee ? "the inertia knee" : "the smallest k";
    return { k, reason: `k = ${k}, ${source}: no silhouette could be computed on the sample.` };
  }
  if (tried.length === 1) {
    return {
      k: best.k,
      reason: `k = ${best.k}, the only value in the range (silhouette ${round(best.silhouette)}).`,
    };
  }
  const bestText = `the best silhouette (${round(best.silhouette)} at k = ${best.k})`;
  const first = tried[0]!.k;
  const last = tried[tried.length - 1]!.k;
  const curve = `Kneedle over k = ${first === 2 ? "1" : `1 and ${first}`}..${last}`;
  if (atKnee === undefined) {
    return { k: best.k, reason: `k = ${best.k}: ${bestText}; ${curve} finds no knee in the inertia curve.` };
  }
  const kneeText = `the inertia knee (${curve}) is at k = ${atKnee.k} with silhouette ${round(atKnee.silhouette)}`;
  if (atKnee.k === best.k)
    return { k: best.k, reason: `k = ${best.k}: ${kneeText}, also the best silhouette.` };
  const floor = best.silhouette - KNEE_TOLERANCE * Math.abs(best.silhouette);
  if (atKnee.silhouette !== null && atKnee.silhouette >= floor) {
    return { k: atKnee.k, reason: `k = ${atKnee.k}: ${kneeText}, within 10% of ${bestText}.` };
  }
  return { k: best.k, reason: `k = ${best.k}: ${bestText}; ${kneeText}, more than 10% below it.` };
}

/** Rows in one flat array (row-major): the hot loops below read it without a pointer chase per row. */
interface FlatRows {
  values: Float64Array;
  n: number;
  dimensions: number;
}

function flatRows(rows: readonly (readonly number[])[]): FlatRows {
  const dimensions = rows[0]?.length ?? 0;
  const values = new Float64Array(rows.length * dimensions);
  rows.forEach((row, i) => {
    values.set(row, i * dimensions);
  });
  return { values, n: rows.length, dimensions };
}

/** Squared Euclidean distance between row `i` of `a` and row `j` of `b` (flat, `dimensions` wide). */
function rowDistance(a: Float64Array, i: number, b: Float64Array, j: number, dimensions: number): number {
  let sum = 0;
  for (let d = 0; d < dimensions; d++) {
    const delta = a[i * dimensions + d]! - b[j * dimensions + d]!;
    sum += delta * delta;
  }
  return sum;
}

/** The lowest-inertia centroids of seeded k-means++ runs on the rows. */
function bestOfRestarts(rows: FlatRows, k: number, seeds: number[], maxIterations: number): number[][] {
  let best: { centers: Float64Array; inertia: number } | undefined;
  for (const seed of seeds) {
    const centers = seededKmeans(rows, k, seed, maxIterations);
    const { inertia } = assignFlat(rows, centers, k);
    if (best === undefined || inertia < best.inertia) best = { centers, inertia };
  }
  return unflatten(best!.centers, k, rows.dimensions);
}

/** One seeded k-means run's centroids (seededKmeans on plain rows): what the tests compare with ml-kmeans. */
export function kmeansCentroids(rows: number[][], k: number, seed: number, maxIterations = 100): number[][] {
  return unflatten(seededKmeans(flatRows(rows), k, seed, maxIterations), k, rows[0]?.length ?? 0);
}

const CONVERGENCE_TOLERANCE = 1e-6;
/**
 * How much a Hamerly bound must clear its test before a row is left where it is: the bounds are sums of
 * rounded square roots, and a row is only skipped when it provably keeps its centre even so.
 */
const BOUND_SLACK = 1e-9;

/**
 * ml-kmeans's k-means run to the same end as `kmeans(rows, k, { seed, initialization: "kmeans++",
 * maxIterations })`: the same k-means++ seeding (kmeansPlusPlus) and the same Lloyd steps, with the same
 * arithmetic in the same order (nearest center by squared distance, first on ties; means in row order; an empty
 * cluster keeps its center; stop when no center moves more than 1e-6 squared, or after maxIterations steps).
 * Same centroids, a fraction of the time: rows and centers are flat arrays, and Hamerly's bounds (2010, "Making
 * k-means even faster") skip the rows that provably keep their center, which in the late steps is nearly all of
 * them; a row whose bounds do not prove it is compared with every center exactly as Lloyd's step does.
 */
function seededKmeans(rows: FlatRows, k: number, seed: number, maxIterations: number): Float64Array {
  const { values, n, dimensions } = rows;
  let centers = kmeansPlusPlus(rows, k, seed);
  const labels = new Int32Array(n);
  // upper: at least the distance to the own center; lower: at most the distance to any other center.
  const upper = new Float64Array(n);
  const lower = new Float64Array(n);
  const assignFully = (i: number) => {
    let nearest = -1;
    let nearestDistance = Number.MAX_VALUE;
    let second = Number.POSITIVE_INFINITY;
    for (let c = 0; c < k; c++) {
      const distance = rowDistance(values, i, centers, c, dimensions);
      if (distance < nearestDistance) {
        if (nearest >= 0) second = Math.min(second, nearestDistance);
        nearestDistance = distance;
        nearest = c;
      } else second = Math.min(second, distance);
    }
    labels[i] = nearest;
    upper[i] = Math.sqrt(nearestDistance);
    lower[i] = Math.sqrt(second);
  };
  for (let i = 0; i < n; i++) assignFully(i);
  const sums = new Float64Array(k * dimensions);
  const sizes = new Float64Array(k);
  const moved = new Float64Array(k);
  const halfGap = new Float64Array(k);
  for (let step = 1; ; step++) {
    sums.fill(0);
    sizes.fill(0);
    for (let i = 0; i < n; i++) {
      const c = labels[i]!;
      sizes[c]!++;
      for (let d = 0; d < dimensions; d++) sums[c * dimensions + d]! += values[i * dimensions + d]!;
    }
    const next = new Float64Array(k * dimensions);
    let converged = true;
    for (let c = 0; c < k; c++) {
      for (let d = 0; d < dimensions; d++) {
        const at = c * dimensions + d;
        next[at] = sizes[c] ? sums[at]! / sizes[c]! : centers[at]!;
      }
      const movement = rowDistance(next, c, centers, c, dimensions);
      if (movement > CONVERGENCE_TOLERANCE) converged = false;
      moved[c] = Math.sqrt(movement);
    }
    centers = next;
    if (converged || step >= maxIterations) return centers;

    let most = 0;
    let mostAt = -1;
    let secondMost = 0;
    for (let c = 0; c < k; c++) {
      if (moved[c]! > most) {
        secondMost = most;
        most = moved[c]!;
        mostAt = c;
      } else if (moved[c]! > secondMost) secondMost = moved[c]!;
      let gap = Number.POSITIVE_INFINITY;
      for (let other = 0; other < k; other++)
        if (other !== c) gap = Math.min(gap, rowDistance(centers, c, centers, other, dimensions));
      halfGap[c] = Math.sqrt(gap) / 2;
    }
    for (let i = 0; i < n; i++) {
      const own = labels[i]!;
      upper[i]! += moved[own]!;
      lower[i]! -= own === mostAt ? secondMost : most;
      const bound = Math.max(halfGap[own]!, lower[i]!) - BOUND_SLACK;
      if (upper[i]! < bound) continue;
      upper[i] = Math.sqrt(rowDistance(values, i, centers, own, dimensions));
      if (upper[i]! < bound) continue;
      assignFully(i);
    }
  }
}

/**
 * k-means++ seeding exactly as ml-kmeans 7 seeds (its `kmeanspp`, scikit-learn's greedy variant): the first
 * center drawn uniformly, then each next one the best of 2 + ln k candidates drawn in proportion to the squared
 * distance to the nearest center so far, all from ml-random's generator with the same seed; on flat arrays
 * instead of ml-matrix rows, which allocated a row per distance.
 */
function kmeansPlusPlus(rows: FlatRows, k: number, seed: number): Float64Array {
  const { values, n, dimensions } = rows;
  const random = new Random(seed);
  const trials = 2 + Math.floor(Math.log(k));
  const centers = new Float64Array(k * dimensions);
  const first = random.randInt(n);
  centers.set(values.subarray(first * dimensions, (first + 1) * dimensions), 0);
  let closest = new Float64Array(n);
  for (let i = 0; i < n; i++) closest[i] = rowDistance(values, i, centers, 0, dimensions);
  for (let c = 1; c < k; c++) {
    const candidates = random.choice(n, { replace: true, size: trials, probabilities: shares(closest) });
    let bestPotential = Number.POSITIVE_INFINITY;
    let best = -1;
    let bestClosest = closest;
    for (const candidate of candidates) {
      const next = new Float64Array(n);
      let potential = 0;
      for (let i = 0; i < n; i++) {
        next[i] = Math.min(closest[i]!, rowDistance(values, candidate, values, i, dimensions));
        potential += next[i]!;
      }
      if (potential < bestPotential) {
        bestPotential = potential;
        best = candidate;
        bestClosest = next;
      }
    }
    centers.set(values.subarray(best * dimensions, (best + 1) * dimensions), c * dimensions);
    closest = bestClosest;
  }
  return centers;
}

/** Each value as a share of their sum, multiplied by the sum's inverse as ml-matrix's `mul` does. */
function shares(values: Float64Array): number[] {
  let total = values[0]!;
  for (let i = 1; i < values.length; i++) total += values[i]!;
  const inverse = 1 / total;
  return Array.from(values, (value) => value * inverse);
}

function unflatten(values: Float64Array, rows: number, dimensions: number): number[][] {
  return Array.from({ length: rows }, (_, r) =>
    Array.from(values.subarray(r * dimensions, (r + 1) * dimensions)),
  );
}

/** Each flat row's nearest of `k` flat centers (first on ties) and the inertia of that assignment. */
function assignFlat(rows: FlatRows, centers: Float64Array, k: number): { labels: number[]; inertia: number } {
  const { values, n, dimensions } = rows;
  const labels = new Array<number>(n);
  let inertia = 0;
  for (let i = 0; i < n; i++) {
    let nearest = 0;
    let nearestDistance = Number.POSITIVE_INFINITY;
    for (let c = 0; c < k; c++) {
      const distance = rowDistance(values, i, centers, c, dimensions);
      if (distance < nearestDistance) {
        nearestDistance = distance;
        nearest = c;
      }
    }
    labels[i] = nearest;
    inertia += nearestDistance;
  }
  return { labels, inertia };
}

/** Each row's nearest centroid (first one on ties) and the inertia of that assignment. */
function assignToNearest(rows: FlatRows, centroids: number[][]): { labels: number[]; inertia: number } {
  return assignFlat(rows, flatRows(centroids).values, centroids.length);
}

/** Silhouette on the sampled customers, or null when the sample does not hold 2..size-1 clusters. */
function sampleSilhouette(distances: Float64Array, labels: number[], sample: number[]): number | null {
  const sampleLabels = sample.map((i) => labels[i]!);
  const clusters = new Set(sampleLabels).size;
  if (clusters < 2 || clusters > sample.length - 1) return null;
  return silhouetteFromDistances(distances, sampleLabels);
}

/** Up to `limit` distinct rows, in order of first appearance; stops early, since only small counts matter. */
function distinctProfiles(rows: number[][], limit: number): number[][] {
  const seen = new Map<string, number[]>();
  for (const row of rows) {
    const key = row.join(",");
    if (!seen.has(key)) seen.set(key, row);
    if (seen.size >= limit) break;
  }
  return [...seen.values()];
}

function columnMeans(rows: number[][]): number[] {
  return rows[0]!.map((_, c) => rows.reduce((sum, row) => sum + row[c]!, 0) / rows.length);
}

/** Clusters renumbered from the largest to the smallest (stable), so the numbering does not depend on the seed
 * path; a cluster left empty by assigning all customers to sample-fitted centroids is dropped. */
function numberBySize(
  labels: number[],
  centroids: number[][],
): Pick<Clustering, "k" | "labels" | "centroids"> {
  const sizes = centroids.map(() => 0);
  for (const label of labels) sizes[label]!++;
  const order = centroids
    .map((_, c) => c)
    .filter((c) => sizes[c]! > 0)
    .sort((a, b) => sizes[b]! - sizes[a]!);
  const renumber = new Map(order.map((c, rank) => [c, rank]));
  return {
    k: order.length,
    labels: labels.map((label) => renumber.get(label)!),
    centroids: order.map((c) => centroids[c]!),
  };
}

function round(value: number | null): string {
  return value === null ? "none" : value.toFixed(3);
}
