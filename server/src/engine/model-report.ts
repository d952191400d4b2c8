/**
 * The transparency data every model returns beside its scores, as plain data the API can expose: which model was
 * chosen and why, every candidate's backtest metric, data-sufficiency warnings and the features used.
 */

export interface CandidateMetric {
  /** The candidate's name, e.g. "forest", "bgnbd", "t_learner_logistic". */
  model: string;
  /** "candidate": could have been chosen; "baseline": reported for comparison only. */
  role: "candidate" | "baseline";
  metric: "auc" | "spearman" | "qini";
  /** The backtest (or cross-validated) value; null when it could not be measured. */
  value: number | null;
  /** Whether the candidate could be chosen (e.g. false for a degenerate BG/NBD fit). */
  eligible: boolean;
  /** Why it is not eligible, or what else was measured; null when there is nothing to add. */
  note: string | null;
}

/** A data-sufficiency warning: a stable code for the API and its translations, numbers, and an English sentence. */
export interface ModelWarning {
  code: string;
  params: Record<string, number | string>;
  message: string;
}

export interface SampleSize {
  /** Rows the model could learn from. */
  available: number;
  /** Rows it learned from (a seeded sample when fewer than available). */
  used: number;
}

/** Customers, exposures or rows, written the way the reports print them. */
export const count = (n: number) => n.toLocaleString("en-US");

/** A metric for a reason string: three decimals, or "n/a". */
export const metricText = (value: number | null) => (value === null ? "n/a" : value.toFixed(3));
