import type { Knex } from "knex";
import { loadCampaignExposures } from "../../db/campaign-outcomes.js";
import {
  loadCustomerExtras,
  loadTransactions,
  referenceDateOf,
  savePredictions,
} from "../../db/customer-metrics.js";
import { insertModelRun } from "../../db/model-runs.js";
import { findProject } from "../../db/projects.js";
import { refreshStatistics } from "../../db/statistics.js";
import type { EngineRunner } from "./engine.js";
import { modelReport } from "./model-report.js";
import { PermanentStepError, type Progress, projectSeed, type StepOutcome } from "./progress.js";
import { stepTimer } from "./step-timer.js";

/** Days after an exposure a purchase counts as the campaign's outcome. */
export const CAMPAIGN_WINDOW_DAYS = 30;

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
 * The predictive stage, on the customers' full timelines (purchases, returns and extra fields), every feature
 * point in time: churn as P(no purchase in the horizon) from the candidate with the best backtest AUC, with its
 * risk bucket; CLV over the project's horizon from the candidate with the best backtest Spearman (BG/NBD only when
 * identified); uplift from the campaign exposures with every covariate, or the reason there is none. The models
 * run on an Engine thread; scores and the model run (with every candidate's metric, the warnings and the
 * features used: what the overview shows) are written in one transaction.
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

  await report(5, "Loading transactions");
  const transactions = await time("load", () => loadTransactions(db, project.id, referenceDate));
  const extras = await time("load_customers", () => loadCustomerExtras(db, project.id));
  const exposures = await time("load_exposures", () => loadCampaignExposures(db, project.id, referenceDate));

  await report(20, "Predicting churn, lifetime value and campaign uplift");
  const { churn, clv, uplift } = await time("models", () =>
    deps.engine.run("predictCustomers", {
      transactions,
      extras,
      exposures,
      referenceDate,
      churnHorizonDays,
      churnThresholds,
      clvHorizonMonths,
      campaignWindowDays: CAMPAIGN_WINDOW_DAYS,
      seed,
    }),
  );

  await report(85, "Saving scores");
  await time("write", () =>
    db.transaction(async (trx) => {
      await savePredictions(
        trx,
        extras.map(([id]) => {
          const score = churn.scores.get(id);
          return {
            id,
            churn_score: score?.churnScore ?? null,
            churn_risk: score?.churnRisk ?? null,
            predicted_clv: clv.values.get(id) ?? null,
            uplift_score: uplift.status === "estimated" ? (uplift.scores.get(id) ?? null) : null,
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
          campaign_window_days: CAMPAIGN_WINDOW_DAYS,
          reference_date: referenceDate.toISOString(),
        },
        metrics: modelReport({ churn, clv, uplift }),
        durations_ms: durations,
        data_size: {
          customers: extras.length,
          transactions: transactions.length,
          exposures: exposures.length,
        },
      });
    }),
  );
  await time("analyze", () => refreshStatistics(db, ["customers"]));
  return {
    status: "completed",
    result: {
      customers: extras.length,
      churn_model: churn.model,
      churn_auc: churn.auc,
      clv: clv.model ?? clv.reason,
      uplift:
        uplift.status === "estimated"
          ? { qini: uplift.qini, uplift_at_30: uplift.upliftAt30 }
          : uplift.reason,
      durations_ms: durations,
    },
    message: `Scored ${extras.length.toLocaleString("en-US")} customers (churn: ${churn.model})`,
  };
}
