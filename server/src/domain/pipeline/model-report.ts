import type { PredictionFit } from "../../engine/prediction.js";

/**
 * What the predictive run records of each model, in the shape the project overview shows (snake_case, plain JSON):
 * the chosen model and why, every candidate's backtest metric, the data-sufficiency warnings and the features used.
 * Written once with the run, so the overview shows what actually scored the customers.
 */
export function modelReport({ churn, clv, uplift }: PredictionFit) {
  return {
    churn: {
      model: churn.model,
      auc: churn.auc,
      choice: churn.reason,
      candidates: churn.candidates,
      warnings: churn.warnings,
      features: churn.features,
      sample: churn.sample,
    },
    clv: {
      model: clv.model,
      spearman: clv.spearman,
      choice: clv.reason,
      identifiability: clv.identifiability && {
        identified: clv.identifiability.identified,
        reason: clv.identifiability.reason,
        intervals: clv.identifiability.intervals,
      },
      backtest: clv.backtest && {
        horizon_days: clv.backtest.horizonDays,
        cutoff: clv.backtest.cutoff.toISOString(),
        customers: clv.backtest.customers,
      },
      candidates: clv.candidates,
      warnings: clv.warnings,
      features: clv.features,
      sample: clv.sample,
    },
    uplift:
      uplift.status === "estimated"
        ? {
            status: uplift.status,
            model: uplift.model,
            heterogeneity: uplift.heterogeneity,
            choice: uplift.reason,
            reason: null,
            qini: uplift.qini,
            uplift_at_30: uplift.upliftAt30,
            average_effect: uplift.averageEffect,
            holdout: {
              exposures: uplift.holdout.exposures,
              qini: uplift.holdout.qini,
              random_qini: uplift.holdout.randomQini,
              uplift_at_30: uplift.holdout.upliftAt30,
              average_effect: uplift.holdout.averageEffect,
              qini_curve: uplift.holdout.qiniCurve,
            },
            treated: uplift.treated,
            control: uplift.control,
            candidates: uplift.candidates,
            warnings: uplift.warnings,
            features: uplift.features,
            sample: uplift.sample,
          }
        : {
            status: uplift.status,
            model: null,
            heterogeneity: null,
            choice: null,
            reason: uplift.reason,
            qini: null,
            uplift_at_30: null,
            average_effect: null,
            holdout: null,
            treated: uplift.treated,
            control: uplift.control,
            candidates: [],
            warnings: uplift.warnings,
            features: [],
            sample: null,
          },
  };
}

export type ModelReport = ReturnType<typeof modelReport>;
