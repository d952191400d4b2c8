import type { Knex } from "knex";
import { loadCampaignExposures } from "../../db/campaign-outcomes.js";
import {
  customerBatches,
  firstPurchaseOf,
  loadCustomerExtras,
  loadTransactions,
  referenceDateOf,
  savePredictions,
} from "../../db/customer-metrics.js";
import { customerSampleShare } from "../../db/customer-sample.js";
import { insertModelRun } from "../../db/model-runs.js";
import { findProject } from "../../db/projects.js";
import { refreshStatistics } from "../../db/statistics.js";
import type { EngineRunner } from "./engine.js";
import { modelReport } from "./model-report.js";
import { PermanentStepError, type Progress, projectSeed, type StepOutcome } from "./progress.js";
import { stepTimer } from "./step-timer.js";

/** Days after an exposure a purchase counts as the campaign's outcome. */
export const CAMPAIGN_WINDOW_DAYS = 30;
/** Customers scored and written per batch: what bounds the stage's memory, whatever the project's size. */
const SCORING_BATCH = 20_000;

export interface PredictProjectDeps {
  db: Knex;
  engine: EngineRunner;
  /**
   * The models learn from a seeded sample of about this many customers (all of a smaller project's; config
   * MODEL_SAMPLE_CUSTOMERS): each backtest and fit then uses at most 20,000 of them (the models' own caps), so
   * fitting costs the same at any size, and the report gives the sample and the standard error it leaves on each
   * backtest metric.
   */
  sampleCustomers: number;
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

  await report(5, "Loading the model sample");
  const { customers, share } = await time("sample", () =>
    customerSampleShare(db, project.id, deps.sampleCustomers),
  );
  const sample = { share, seed };
  const transactions = await time("load", () => loadTransactions(db, project.id, referenceDate, sample));
  const extras = await time("load_customers", () => loadCustomerExtras(db, project.id, sample));
  const exposures = await time("load_exposures", () =>
    loadCampaignExposures(db, project.id, referenceDate, sample),
  );
  const sampled = share < 1;

  await report(20, "Fitting churn, lifetime value and campaign uplift");
  const models = await time("models", async () =>
    deps.engine.run("fitPredictions", {
      transactions,
      extras,
      exposures,
      referenceDate,
      historyStart: sampled
        ? ((await firstPurchaseOf(db, project.id, referenceDate)) ?? undefined)
        : undefined,
      population: sampled ? customers : undefined,
      churnHorizonDays,
      churnThresholds,
      clvHorizonMonths,
      campaignWindowDays: CAMPAIGN_WINDOW_DAYS,
      seed,
    }),
  );
  const { churn, clv, uplift } = models;

  await report(50, `Scoring ${customers.toLocaleString("en-US")} customers`);
  let scoredTransactions = 0;
  await time("score_and_write", () =>
    db.transaction(async (trx) => {
      const batches = customerBatches(trx, project.id, referenceDate, SCORING_BATCH);
      let upcoming = batches.next();
      for (;;) {
        const { value: batch, done } = await upcoming;
        if (done) break;
        // The next batch is read while this one is scored on the Engine's thread; a failure surfaces when
        // it is awaited (or the stage has already failed on this batch).
        upcoming = batches.next();
        upcoming.catch(() => undefined);
        scoredTransactions += batch.transactions.length;
        const scores = await deps.engine.run("scorePredictions", {
          models,
          ...batch,
          referenceDate,
          churnThresholds,
        });
        await savePredictions(
          trx,
          scores.customerIds.map((id, i) => ({
            id,
            churn_score: scores.churnScores[i]!,
            churn_risk: scores.churnRisks[i]!,
            predicted_clv: scores.lifetimeValues[i]!,
            uplift_score: scores.upliftScores[i]!,
            scored_at: referenceDate.toISOString(),
          })),
        );
      }
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
          sample_customers: deps.sampleCustomers,
        },
        metrics: modelReport(models),
        durations_ms: durations,
        data_size: {
          customers,
          transactions: scoredTransactions,
          sampled_customers: extras.length,
          sampled_transactions: transactions.length,
          sampled_exposures: exposures.length,
        },
      });
    }),
  );
  await time("analyze", () => refreshStatistics(db, ["customers"]));
  return {
    status: "completed",
    result: {
      customers,
      churn_model: churn.model,
      churn_auc: churn.auc,
      clv: clv.model ?? clv.reason,
      uplift:
        uplift.status === "estimated"
          ? { qini: uplift.qini, uplift_at_30: uplift.upliftAt30 }
          : uplift.reason,
      durations_ms: durations,
    },
    message: `Scored ${customers.toLocaleString("en-US")} customers (churn: ${churn.model})`,
  };
}
