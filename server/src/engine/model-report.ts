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

/** Standard error of a ROC AUC from its two class sizes (Hanley & McNeil 1982). */
export function aucStandardError(auc: number, positives: number, negatives: number): number {
  const q1 = auc / (2 - auc);
  const q2 = (2 * auc * auc) / (1 + auc);
  const variance =
    (auc * (1 - auc) + (positives - 1) * (q1 - auc * auc) + (negatives - 1) * (q2 - auc * auc)) /
    (positives * negatives);
  return Math.sqrt(Math.max(0, variance));
}

/** Approximate standard error of a Spearman correlation over n pairs (Bonett & Wright 2000). */
export function spearmanStandardError(rho: number, n: number): number {
  return n > 3 ? Math.sqrt((1 + (rho * rho) / 2) / (n - 3)) : Number.NaN;
}

/**
 * The warning that says a model learned from a seeded sample of the project's customers, and what that costs the
 * estimate: the standard error of its backtest metric at the size it was measured on.
 */
export function sampledCustomersWarning(
  sampled: number,
  population: number,
  metric: { name: string; standardError: number | null },
): ModelWarning {
  const error =
    metric.standardError === null || !Number.isFinite(metric.standardError)
      ? ""
      : `; at this size the backtest ${metric.name}'s standard error is ${metric.standardError.toFixed(4)}`;
  return {
    code: "sampled_customers",
    params: {
      sampled,
      customers: population,
      ...(error ? { standardError: Number(metric.standardError!.toFixed(4)) } : {}),
    },
    message: `The model learned from a seeded sample of ${count(sampled)} of ${count(population)} customers and scored all of them${error}.`,
  };
}
