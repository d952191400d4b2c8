/**
 * Kneedle (Satopaa et al. 2011) with the semantics of its reference implementation, arvkevi/kneed 0.8.6, so the
 * knee the Engine reports for an inertia curve is the one a data scientist gets from `KneeLocator`.
 */

export type KneeOptions = {
  curve: "concave" | "convex";
  direction: "increasing" | "decreasing";
  /** S: how many "flat" x steps below a local maximum of the difference curve confirm a knee (default 1). */
  sensitivity?: number;
  /** Offline (default) returns the first knee found; online keeps scanning and returns the last one. */
  online?: boolean;
};

/**
 * The x at the knee (concave) or elbow (convex) of the curve y(x), or null when there is none.
 * Steps, as kneed does them: normalise x and y to [0, 1]; turn the curve into a concave increasing one (flips
 * below); difference curve yd = yn - xn; its local maxima and minima, plateaus included (>= / <= against both
 * neighbours, ends compared with themselves); from the first maximum, each maximum sets the threshold
 * yd[max] - S * mean(diff(xn)) and each minimum resets it to 0; the first point after which yd drops below the
 * threshold makes the last maximum a knee, mapped back through the flips.
 */
export function findKnee(x: number[], y: number[], options: KneeOptions): number | null {
  if (x.length !== y.length) throw new Error(`findKnee: x has ${x.length} values but y has ${y.length}`);
  const n = x.length;
  if (n < 3) return null;
  const xn = normalise(x);
  const yn = toConcaveIncreasing(normalise(y), options);
  if (xn === null || yn === null) return null;

  const yd = yn.map((value, i) => value - xn[i]!);
  const isMaximum = relativeExtrema(yd, (a, b) => a >= b);
  const isMinimum = relativeExtrema(yd, (a, b) => a <= b);
  const firstMaximum = isMaximum.indexOf(true);
  if (firstMaximum < 0) return null;

  const sensitivity = options.sensitivity ?? 1;
  const meanStep = Math.abs(mean(xn.slice(1).map((value, i) => value - xn[i]!)));
  // Flipped curves are scanned right to left, so their indices map back from the end.
  const flipped = (options.curve === "convex") === (options.direction === "increasing");
  let threshold = 0;
  let maximumIndex = firstMaximum;
  let knee: number | null = null;
  for (let i = firstMaximum; i < n - 1; i++) {
    if (isMaximum[i]) {
      threshold = yd[i]! - sensitivity * meanStep;
      maximumIndex = i;
    }
    if (isMinimum[i]) threshold = 0;
    if (yd[i + 1]! < threshold) {
      knee = x[flipped ? n - 1 - maximumIndex : maximumIndex]!;
      if (!options.online) return knee;
    }
  }
  return knee;
}

/** Values rescaled to [0, 1]; null for a constant series, where kneed divides by zero and finds no knee. */
function normalise(values: number[]): number[] | null {
  const min = Math.min(...values);
  const range = Math.max(...values) - min;
  if (!(range > 0)) return null;
  return values.map((value) => (value - min) / range);
}

/** kneed's `transform_y`: every curve shape becomes a concave increasing one, so one scan finds all knees. */
function toConcaveIncreasing(yn: number[] | null, options: KneeOptions): number[] | null {
  if (yn === null) return null;
  const max = Math.max(...yn);
  if (options.direction === "decreasing") {
    return options.curve === "concave" ? [...yn].reverse() : yn.map((value) => max - value);
  }
  return options.curve === "convex" ? yn.map((value) => max - value).reverse() : yn;
}

/** scipy's `argrelextrema(values, comparator)` with order 1 and clipped ends, as a mask. */
function relativeExtrema(values: number[], holds: (value: number, neighbour: number) => boolean): boolean[] {
  const last = values.length - 1;
  return values.map(
    (value, i) => holds(value, values[Math.max(i - 1, 0)]!) && holds(value, values[Math.min(i + 1, last)]!),
  );
}

function mean(values: number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}
