/**
 * Segment names that are true of their members.
 *
 * Scores: R, F and M are scored 1..5 against the population's quintile cut points (the 20th, 40th, 60th and 80th
 * percentiles, linear interpolation as numpy's default): frequency and monetary score 1 + the number of cut points
 * the value exceeds; recency scores 5 − the number of cut points it exceeds, so a customer inactive for longer than
 * the 80th percentile of recency scores R = 1, and one within the 20th percentile R = 5. Equal values always share
 * a score.
 *
 * rfm_segment: every customer's own scores looked up in the RFM grid (rfm-scores.ts SEGMENT_MAP, first match wins,
 * else "Others"), so the per-customer label is always true of that customer.
 *
 * Cluster names: a cluster's position is the level of its members' median recency, frequency and monetary value
 * against the same cut points. It gets the first grid name whose score box holds that position AND that no member
 * contradicts: on a dimension where the box excludes the bottom level (e.g. Champions and Loyal Customers need
 * R >= 2), every member must score at least 2 there; where it excludes the top level, every member must score at
 * most 4. So a customer inactive for longer than the population's 80th percentile of recency (R = 1) is never in a
 * cluster named Champions or Loyal Customers, and a name already given to a larger cluster is not given twice.
 * When no grid name fits, the cluster gets a neutral descriptive name from its members (descriptiveLabel:
 * "Recent, occasional, low-value buyers", "Mostly lapsed, rare, mixed-value buyers").
 */
import { type RfmScore, SEGMENT_MAP, type SegmentDefinition, segmentNameFor } from "./rfm-scores.js";

export interface RfmValues {
  recencyDays: number;
  frequency: number;
  monetary: number;
}

/** The 20th, 40th, 60th and 80th percentiles of each of R, F and M. */
export interface RfmCutPoints {
  recencyDays: number[];
  frequency: number[];
  monetary: number[];
}

const DIMENSIONS = ["recencyDays", "frequency", "monetary"] as const;

/** The p-quantile (0..1) of ascending sorted values, by linear interpolation (numpy's default, type 7). */
export function quantile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new RangeError("quantile of no values");
  const h = (sorted.length - 1) * p;
  const low = Math.floor(h);
  const high = Math.min(low + 1, sorted.length - 1);
  return sorted[low]! + (h - low) * (sorted[high]! - sorted[low]!);
}

export function rfmCutPoints(customers: readonly RfmValues[]): RfmCutPoints {
  const cuts = (dimension: (typeof DIMENSIONS)[number]) => {
    const sorted = customers.map((c) => c[dimension]).sort((a, b) => a - b);
    return [0.2, 0.4, 0.6, 0.8].map((p) => quantile(sorted, p));
  };
  return { recencyDays: cuts("recencyDays"), frequency: cuts("frequency"), monetary: cuts("monetary") };
}

/** A customer's 1..5 scores against the cut points (see the module comment). */
export function scoreAgainst(customer: RfmValues, cuts: RfmCutPoints): RfmScore {
  const above = (dimension: (typeof DIMENSIONS)[number]) =>
    cuts[dimension].filter((cut) => customer[dimension] > cut).length;
  return { r: 5 - above("recencyDays"), f: 1 + above("frequency"), m: 1 + above("monetary") };
}

/** Every customer's scores and grid segment, in input order. */
export function rfmSegments(
  customers: readonly RfmValues[],
  cuts: RfmCutPoints = rfmCutPoints(customers),
): { score: RfmScore; segment: string }[] {
  return customers.map((customer) => {
    const score = scoreAgainst(customer, cuts);
    return { score, segment: segmentNameFor(score) };
  });
}

export interface SegmentName {
  label: string;
  description: string;
  /** "grid": a name of the RFM grid; "descriptive": the neutral name, when no grid name fits. */
  kind: "grid" | "descriptive";
  /** The level of the members' median R, F and M against the population's cut points. */
  position: RfmScore;
  median: RfmValues;
  size: number;
}

/**
 * A name per cluster 0..k-1 (see the module comment), for customers labelled with their cluster. Clusters are
 * named from the largest to the smallest (ties: lower index), so the largest keeps a contested name.
 */
export function nameSegments(
  customers: readonly RfmValues[],
  labels: readonly number[],
  k: number,
): SegmentName[] {
  if (labels.length !== customers.length)
    throw new RangeError(`${customers.length} customers but ${labels.length} cluster labels`);
  const cuts = rfmCutPoints(customers);
  const members = Array.from({ length: k }, (): number[] => []);
  labels.forEach((label, i) => {
    if (!(Number.isInteger(label) && label >= 0 && label < k))
      throw new RangeError(`cluster label ${label} is outside 0..${k - 1}`);
    members[label]!.push(i);
  });
  const scores = customers.map((c) => scoreAgainst(c, cuts));
  const names = new Array<SegmentName>(k);
  const taken = new Set<string>();
  const bySize = members.map((_, c) => c).sort((a, b) => members[b]!.length - members[a]!.length || a - b);
  for (const cluster of bySize) {
    const own = members[cluster]!;
    if (own.length === 0) throw new RangeError(`cluster ${cluster} has no member`);
    const median = medianValues(own.map((i) => customers[i]!));
    const position = scoreAgainst(median, cuts);
    const memberScores = own.map((i) => scores[i]!);
    const fit = SEGMENT_MAP.find(
      (segment) =>
        !taken.has(segment.name) && inBox(segment, position) && noMemberContradicts(segment, memberScores),
    );
    const base = { position, median, size: own.length };
    if (fit) names[cluster] = { ...base, label: fit.name, description: fit.description, kind: "grid" };
    else {
      const label = uniqueLabel(descriptiveLabel(position, memberScores), taken);
      names[cluster] = { ...base, label, description: describe(median), kind: "descriptive" };
    }
    taken.add(names[cluster].label);
  }
  return names;
}

function medianValues(values: readonly RfmValues[]): RfmValues {
  const median = (dimension: (typeof DIMENSIONS)[number]) =>
    quantile(
      values.map((v) => v[dimension]).sort((a, b) => a - b),
      0.5,
    );
  return { recencyDays: median("recencyDays"), frequency: median("frequency"), monetary: median("monetary") };
}

function inBox(segment: SegmentDefinition, score: RfmScore): boolean {
  return (["r", "f", "m"] as const).every((d) => score[d] >= segment[d][0] && score[d] <= segment[d][1]);
}

/** The member guard of the module comment: no member sits at a level the name's box excludes at the ends. */
function noMemberContradicts(segment: SegmentDefinition, scores: readonly RfmScore[]): boolean {
  return (["r", "f", "m"] as const).every((d) => {
    const [low, high] = segment[d];
    return scores.every((s) => (low < 2 || s[d] >= 2) && (high > 4 || s[d] <= 4));
  });
}

const WORDS = {
  r: ["lapsed", "lapsed", "mid-recency", "recent", "recent"],
  f: ["rare", "rare", "occasional", "frequent", "frequent"],
  m: ["low-value", "low-value", "mid-value", "high-value", "high-value"],
} as const;
const MIXED = { r: "mixed-recency", f: "mixed-frequency", m: "mixed-value" } as const;

/**
 * The neutral name: per dimension, the word of the cluster's position when no member sits at the opposite end
 * (scores <= 2 against >= 4), else the word of the side holding more than half of the members (the label then
 * starts with "Mostly"), else "mixed". E.g. "Recent, rare, low-value buyers", "Mostly lapsed, rare, mixed-value
 * buyers".
 */
function descriptiveLabel(position: RfmScore, scores: readonly RfmScore[]): string {
  let mostly = false;
  const word = (d: "r" | "f" | "m") => {
    const low = scores.filter((s) => s[d] <= 2).length;
    const high = scores.filter((s) => s[d] >= 4).length;
    if (low === 0 || high === 0) return WORDS[d][position[d] - 1]!;
    mostly = true;
    if (high > scores.length / 2) return WORDS[d][4];
    if (low > scores.length / 2) return WORDS[d][0];
    return MIXED[d];
  };
  const words = `${word("r")}, ${word("f")}, ${word("m")} buyers`;
  return mostly ? `Mostly ${words}` : words.charAt(0).toUpperCase() + words.slice(1);
}

function uniqueLabel(label: string, taken: ReadonlySet<string>): string {
  if (!taken.has(label)) return label;
  let suffix = 2;
  while (taken.has(`${label} (${suffix})`)) suffix++;
  return `${label} (${suffix})`;
}

function describe(median: RfmValues): string {
  const round = (value: number) => Math.round(value * 100) / 100;
  return `A mix that fits no named pattern; the median customer last bought ${round(median.recencyDays)} days ago, has ${round(median.frequency)} orders and a net value of ${round(median.monetary)}.`;
}
