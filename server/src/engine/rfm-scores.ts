/**
 * RFM scores (1-5 by quintiles) and the names that turn scores, or a cluster's mean scores, into segments a
 * shop owner recognises ("Champions", "At Risk", ...).
 */

export type RfmScore = { r: number; f: number; m: number };

export type RfmCustomer = { recencyDays: number; frequency: number; monetary: number };

/**
 * Scores 1..5 by quintile of rank. Values are ranked 1..n from worst to best (ascending when higherIsBetter,
 * descending otherwise, so for recency the most recent customer ranks highest and scores 5); score =
 * ceil(5 * rank / n), clamped to 1..5. Tie rule: equal values share the average rank of their tie group, so they
 * always get the same score (the middle one of the ranks they span; a lone customer ranks n of n and scores 5).
 */
export function quintileScores(values: number[], higherIsBetter: boolean): number[] {
  const n = values.length;
  const worstFirst = values
    .map((_, i) => i)
    .sort((i, j) => (higherIsBetter ? values[i]! - values[j]! : values[j]! - values[i]!));
  const scores = new Array<number>(n);
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && values[worstFirst[end]!] === values[worstFirst[start]!]) end++;
    const averageRank = (start + 1 + end) / 2;
    const score = Math.min(5, Math.max(1, Math.ceil((5 * averageRank) / n)));
    for (let position = start; position < end; position++) scores[worstFirst[position]!] = score;
    start = end;
  }
  return scores;
}

/** R, F and M scores per customer: fewer days since the last purchase, more orders and more value score higher. */
export function rfmScores(customers: RfmCustomer[]): RfmScore[] {
  const score = (value: (customer: RfmCustomer) => number, higherIsBetter: boolean) =>
    quintileScores(customers.map(value), higherIsBetter);
  const r = score((customer) => customer.recencyDays, false);
  const f = score((customer) => customer.frequency, true);
  const m = score((customer) => customer.monetary, true);
  return customers.map((_, i) => ({ r: r[i]!, f: f[i]!, m: m[i]! }));
}

type ScoreRange = readonly [low: number, high: number];

export type SegmentDefinition = {
  name: string;
  r: ScoreRange;
  f: ScoreRange;
  m: ScoreRange;
  description: string;
};

/**
 * The segment name map: the rsquaredacademy/rfm vignette's names and score ranges (ml-reference.md), first match
 * wins, else "Others". Two deliberate changes make every name reachable: narrow segments come before the broad
 * ones that contain them (Can't Lose Them before At Risk; New Customers and Promising before Potential Loyalist),
 * and Lost, which the vignette gives the same ranges as Hibernating, is narrowed to the 1-1-1 corner.
 */
const SCORE_RANGES: readonly [name: string, r: ScoreRange, f: ScoreRange, m: ScoreRange][] = [
  ["Champions", [4, 5], [4, 5], [4, 5]],
  ["Can't Lose Them", [1, 1], [4, 5], [4, 5]],
  ["New Customers", [4, 5], [1, 1], [1, 1]],
  ["Promising", [3, 4], [1, 1], [1, 1]],
  ["Loyal Customers", [2, 5], [3, 5], [3, 5]],
  ["Potential Loyalist", [3, 5], [1, 3], [1, 3]],
  ["Need Attention", [2, 3], [2, 3], [2, 3]],
  ["About To Sleep", [2, 3], [1, 2], [1, 2]],
  ["At Risk", [1, 2], [2, 5], [2, 5]],
  ["Lost", [1, 1], [1, 1], [1, 1]],
  ["Hibernating", [1, 2], [1, 2], [1, 2]],
];

/** What each segment's customers are and what to do with them, in one sentence. */
const DESCRIPTIONS: Readonly<Record<string, string>> = {
  Champions: "Bought recently, buy often and spend the most: reward them and ask for reviews.",
  "Can't Lose Them":
    "Used to buy often and spend the most but have not been back for a long time: win them back personally.",
  "New Customers":
    "Bought recently but rarely and for little so far: welcome them and help them to a second order.",
  Promising:
    "Fairly recent, with few orders and a small spend: build the relationship with a low-cost offer.",
  "Loyal Customers":
    "Buy regularly and spend well: upsell higher-value products and invite them to a loyalty programme.",
  "Potential Loyalist":
    "Recent customers with a few orders and average spend: recommend products to make them regulars.",
  "Need Attention":
    "Average recency, frequency and spend: reconnect with a limited-time offer based on past purchases.",
  "About To Sleep":
    "Fading, with few orders and low spend: share popular products and a discount before they drift away.",
  "At Risk": "Bought often and spent well, but long ago: send personalised offers to bring them back.",
  Lost: "Bought little, rarely and long ago: try one reactivation campaign, then stop spending on them.",
  Hibernating: "Last bought long ago, with few orders and low spend: revive interest with relevant products.",
};

/** The segments in match order, each with its score ranges and description. */
export const SEGMENT_MAP: readonly SegmentDefinition[] = SCORE_RANGES.map(([name, r, f, m]) => ({
  name,
  r,
  f,
  m,
  description: DESCRIPTIONS[name]!,
}));

/** The name for scores that no entry of the map holds. */
export const OTHERS: Readonly<Pick<SegmentDefinition, "name" | "description">> = {
  name: "Others",
  description: "Fit none of the named patterns: look at their R, F and M scores before targeting them.",
};

/** The segment of a customer's integer RFM scores: the first entry of SEGMENT_MAP whose ranges hold them. */
export function segmentNameFor(score: RfmScore): string {
  return SEGMENT_MAP.find((segment) => holds(segment, score))?.name ?? OTHERS.name;
}

export type ClusterName = { label: string; description: string };

/**
 * A label and description per cluster from its centroid's mean (fractional) RFM scores, unique within the result.
 * Each cluster first wants the name of its rounded scores (segmentNameFor), then the other names from the nearest
 * to the farthest. Distance to a name: the Euclidean distance from the fractional scores to the name's score box
 * (0 inside it), ties broken by the distance to the box's centre (its most typical point), then by map order;
 * "Others" has no box and comes last. When several clusters want the same free name, the one closest to it keeps
 * it (ties: lower cluster index) and the others move on to their next free name; once every name is taken,
 * a cluster gets its first choice with " 2", " 3", ... Deterministic for a given input order.
 */
export function nameClusters(centroids: RfmScore[]): ClusterName[] {
  const preferences = centroids.map(namePreferences);
  const names = new Array<ClusterName | undefined>(centroids.length);
  const taken = new Set<string>();
  let waiting = centroids.map((_, i) => i);
  while (waiting.length > 0) {
    const claims = new Map<string, { cluster: number; naming: SegmentNaming }>();
    for (const cluster of waiting) {
      const naming = preferences[cluster]!.find((candidate) => !taken.has(candidate.segment.name));
      if (!naming) continue;
      const rival = claims.get(naming.segment.name);
      if (!rival || compareDistance(naming.distance, rival.naming.distance) < 0) {
        claims.set(naming.segment.name, { cluster, naming });
      }
    }
    for (const { cluster, naming } of claims.values()) {
      names[cluster] = { label: naming.segment.name, description: naming.segment.description };
      taken.add(naming.segment.name);
    }
    for (const cluster of waiting) {
      const everyNameTaken = preferences[cluster]!.every((candidate) => taken.has(candidate.segment.name));
      if (names[cluster] === undefined && everyNameTaken) {
        names[cluster] = numberedName(preferences[cluster]![0]!.segment, taken);
      }
    }
    waiting = waiting.filter((cluster) => names[cluster] === undefined);
  }
  return names.map((name) => name!);
}

/** The first free "<name> 2", "<name> 3", ..., marked as taken. */
function numberedName(segment: SegmentNaming["segment"], taken: Set<string>): ClusterName {
  let suffix = 2;
  while (taken.has(`${segment.name} ${suffix}`)) suffix++;
  const label = `${segment.name} ${suffix}`;
  taken.add(label);
  return { label, description: segment.description };
}

/** [distance to the box, distance to its centre, map order]: compared lexicographically. */
type NameDistance = [box: number, centre: number, order: number];
type SegmentNaming = { segment: Pick<SegmentDefinition, "name" | "description">; distance: NameDistance };

function namePreferences(centroid: RfmScore): SegmentNaming[] {
  const first = segmentNameFor({
    r: Math.round(centroid.r),
    f: Math.round(centroid.f),
    m: Math.round(centroid.m),
  });
  const named = SEGMENT_MAP.map(
    (segment, order): SegmentNaming => ({
      segment,
      distance: [boxDistance(segment, centroid), centreDistance(segment, centroid), order],
    }),
  ).sort((a, b) => compareDistance(a.distance, b.distance));
  const others: SegmentNaming = { segment: OTHERS, distance: [0, 0, SEGMENT_MAP.length] };
  const all = [...named, others];
  const preferred = all.find((naming) => naming.segment.name === first)!;
  return [preferred, ...all.filter((naming) => naming !== preferred)];
}

function compareDistance(a: NameDistance, b: NameDistance): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

const DIMENSIONS = ["r", "f", "m"] as const;

function holds(segment: SegmentDefinition, score: RfmScore): boolean {
  return DIMENSIONS.every((d) => score[d] >= segment[d][0] && score[d] <= segment[d][1]);
}

function boxDistance(segment: SegmentDefinition, score: RfmScore): number {
  return Math.hypot(
    ...DIMENSIONS.map((d) => Math.max(segment[d][0] - score[d], 0, score[d] - segment[d][1])),
  );
}

function centreDistance(segment: SegmentDefinition, score: RfmScore): number {
  return Math.hypot(...DIMENSIONS.map((d) => score[d] - (segment[d][0] + segment[d][1]) / 2));
}
