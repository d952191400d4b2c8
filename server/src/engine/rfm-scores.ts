/**
 * The standard RFM grid: the names that turn a customer's R, F and M scores (1-5, segment-names.ts scores them)
 * into segments a shop owner recognises ("Champions", "At Risk", ...).
 */

export type RfmScore = { r: number; f: number; m: number };

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

const DIMENSIONS = ["r", "f", "m"] as const;

function holds(segment: SegmentDefinition, score: RfmScore): boolean {
  return DIMENSIONS.every((d) => score[d] >= segment[d][0] && score[d] <= segment[d][1]);
}
