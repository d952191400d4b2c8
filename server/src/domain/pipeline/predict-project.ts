import type { Knex } from "knex";
import { loadCampaignObservations } from "../../db/campaign-outcomes.js";
import {
  loadCustomerFeatures,
  loadPurchaseHistory,
  referenceDateOf,
  savePredictions,
} from "../../db/customer-metrics.js";
import { insertModelRun } from "../../db/model-runs.js";
import { findProject } from "../../db/projects.js";
import { refreshStatistics } from "../../db/statistics.js";
import type { EngineRunner } from "./engine.js";
import { PermanentStepError, type Progress, projectSeed, type StepOutcome } from "./progress.js";
import { stepTimer } from "./step-timer.js";

export interface PredictProjectDeps {
  db: Knex;
  engine: EngineRunner;
}

export interface PredictiveResult {
  customers: number;
  churn_model: string;
  churn_auc: number | null;
  clv: string | null;
  uplift: { qini: number | null; uplift_at_30: number | null } | string;
  durations_ms: Record<string, number>;
}

/**
 * The predictive stage: churn (BG/NBD, or the fallback the backtest picks) as P(no purchase in the horizon) with
 * its risk bucket; CLV over the project's horizon; and uplift from campaign exposures, or the reason there is
 * none. The models run on an Engine thread; scores and the model run are written in one transaction.
 */
export async function predictProject(
  deps: PredictProjectDeps,
  input: { projectId: string; jobId: string },
  report: Progress,
): Promise<StepOutcome<PredictiveResult>> {
  const { db } = deps;
  const project = await findProject(db, input.projectId);
  if (!project) throw new PermanentStepError(`project ${input.projectId} no longer exists`);
  const referenceDate = await referenceDateOf(db, project.id, project.settings.referenceDate);
  if (!referenceDate) {
    return {
      status: "skipped",
      code: "no_data",
      reason: "The project has no transactions yet, so there is nothing to predict.",
    };
  }
  const { churnHorizonDays, churnThresholds, clvHorizonMonths } = project.settings;
  const seed = projectSeed(project.id);
  const { durations, time } = stepTimer();

  await report(5, "Loading purchase history");
  const history = await time("load", () => loadPurchaseHistory(db, project.id, referenceDate));
  const customers = await time("load_customers", () => loadCustomerFeatures(db, project.id, referenceDate));
  const exposures = await time("load_exposures", () =>
    loadCampaignObservations(db, project.id, referenceDate),
  );

  await report(20, "Predicting churn, lifetime value and campaign uplift");
  const { churn, clv, uplift } = await time("models", () =>
    deps.engine.run("predictCustomers", {
      history,
      customers,
      exposures,
      referenceDate,
      churnHorizonDays,
      churnThresholds,
      clvHorizonMonths,
      seed,
    }),
  );

  await report(85, "Saving scores");
  await time("write", () =>
    db.transaction(async (trx) => {
      await savePredictions(
        trx,
        customers.map((c) => {
          const score = churn.scores.get(c.id);
          return {
            id: c.id,
            churn_score: score?.churnScore ?? null,
            churn_risk: score?.churnRisk ?? null,
            predicted_clv: clv.values?.get(c.id) ?? null,
            uplift_score: uplift.status === "estimated" ? (uplift.scores.get(c.id) ?? null) : null,
            scored_at: referenceDate.toISOString(),
          };
        }),
      );
      await insertModelRun(trx, {
        project_id: project.id,
        organization_id: project.organization_id,
        job_id: input.jobId,
        kind: "predictive",
        parameters: {
          seed,
          churn_horizon_days: churnHorizonDays,
          churn_thresholds: churnThresholds,
          clv_horizon_months: clvHorizonMonths,
          reference_date: referenceDate.toISOString(),
        },
        metrics: {
          churn: { model: churn.model, auc: churn.auc, backtest: churn.backtest, reason: churn.reason },
          clv: {
            model: clv.values ? "gamma_gamma" : null,
            reason: clv.reason,
            horizon_months: clvHorizonMonths,
          },
          uplift:
            uplift.status === "estimated"
              ? {
                  status: uplift.status,
                  qini: uplift.qini,
                  uplift_at_30: uplift.upliftAt30,
                  average_effect: uplift.averageEffect,
                  treated: uplift.treated,
                  control: uplift.control,
                }
              : {
                  status: uplift.status,
                  reason: uplift.reason,
                  treated: uplift.treated,
                  control: uplift.control,
                },
        },
        durations_ms: durations,
        data_size: { customers: customers.length, purchases: history.length },
      });
    }),
  );
  await time("analyze", () => refreshStatistics(db, ["customers"]));
  return {
    status: "completed",
    result: {
      customers: customers.length,
      churn_model: churn.model,
      churn_auc: churn.auc,
      clv: clv.values ? "gamma_gamma" : clv.reason,
      uplift:
        uplift.status === "estimated"
          ? { qini: uplift.qini, uplift_at_30: uplift.upliftAt30 }
          : uplift.reason,
      durations_ms: durations,
    },
    message: `Scored ${customers.length.toLocaleString("en-US")} customers (churn: ${churn.model})`,
  };
}
