import type { ModelRunRow } from "../../db/model-runs.js";
import type { ModelReport } from "../../domain/pipeline/model-report.js";

/**
 * The overview's `models` from the latest predictive run: what the run recorded (domain/pipeline/model-report.ts,
 * already in the API's shape) with the horizons it ran with. A run recorded before the report existed lacks the
 * candidates, warnings and features (and, before the uplift's Qini curve was kept, the curve): they show as empty
 * rather than invented.
 */
export function presentModels(
  run: ModelRunRow,
  settings: { churnHorizonDays: number; clvHorizonMonths: number },
) {
  const report = run.metrics as Partial<ModelReport>;
  const churn = report.churn;
  const clv = report.clv;
  const uplift = report.uplift;
  const parameters = run.parameters as { churn_horizon_days?: number; clv_horizon_months?: number };
  return {
    churn: churn
      ? {
          model: churn.model,
          auc: churn.auc,
          horizon_days: parameters.churn_horizon_days ?? settings.churnHorizonDays,
          choice: churn.choice ?? null,
          candidates: churn.candidates ?? [],
          warnings: churn.warnings ?? [],
          features: churn.features ?? [],
          sample: churn.sample ?? null,
        }
      : null,
    clv: clv?.model
      ? {
          // Runs before the candidates were compared recorded BG/NBD x Gamma-Gamma as "gamma_gamma".
          model: (clv.model as string) === "gamma_gamma" ? ("bgnbd_gamma_gamma" as const) : clv.model,
          horizon_months: parameters.clv_horizon_months ?? settings.clvHorizonMonths,
          spearman: clv.spearman ?? null,
          choice: clv.choice ?? null,
          identifiability: clv.identifiability ?? null,
          backtest: clv.backtest ?? null,
          candidates: clv.candidates ?? [],
          warnings: clv.warnings ?? [],
          features: clv.features ?? [],
        }
      : null,
    uplift: uplift
      ? {
          status: uplift.status,
          model: uplift.model ?? null,
          heterogeneity: uplift.heterogeneity ?? null,
          choice: uplift.choice ?? null,
          qini: uplift.qini ?? null,
          uplift_at_30: uplift.uplift_at_30 ?? null,
          average_effect: uplift.average_effect ?? null,
          // Runs recorded before the Qini curve was kept have none.
          holdout: uplift.holdout
            ? { ...uplift.holdout, qini_curve: uplift.holdout.qini_curve ?? null }
            : null,
          treated: uplift.treated ?? 0,
          control: uplift.control ?? 0,
          candidates: uplift.candidates ?? [],
          warnings: uplift.warnings ?? [],
          features: uplift.features ?? [],
          reason: uplift.reason ?? null,
        }
      : null,
  };
}
