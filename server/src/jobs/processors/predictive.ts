import { bulkUpdateById } from "../../db/bulk-update.js";
import { loadCampaignObservations } from "../../db/campaign-outcomes.js";
import { loadCustomerFeatures, loadPurchaseHistory, referenceDateOf } from "../../db/customer-metrics.js";
import { insertModelRun } from "../../db/model-runs.js";
import { findProject } from "../../db/projects.js";
import { isDegenerateFit } from "../../engine/bgnbd.js";
import { scoreChurn } from "../../engine/churn.js";
import { summarizeHistory } from "../../engine/customer-history.js";
import { customerLifetimeValue, fitGammaGamma } from "../../engine/gamma-gamma.js";
import { estimateUplift } from "../../engine/uplift.js";
import { PermanentJobError } from "../job-errors.js";
import type { Processor } from "./index.js";
import { projectSeed } from "./segmentation.js";
import { stepTimer } from "./step-timer.js";

const DAYS_PER_MONTH = 30.4375;
/** Gamma-Gamma needs repeat buyers to learn spend per order from. */
const MIN_REPEAT_BUYERS_FOR_CLV = 20;

/** What the uplift model knows of a customer: log recency, log frequency, log net spend. */
const upliftFeatures = (recencyDays: number, frequency: number, monetary: number) => [
  Math.log1p(Math.max(0, recencyDays)),
  Math.log1p(Math.max(0, frequency)),
  Math.log1p(Math.max(0, monetary)),
];

/**
 * The predictive stage: churn (BG/NBD, or the fallback the backtest picks) as P(no purchase in the horizon)
 * with its risk bucket; CLV over the project's horizon (BG/NBD x Gamma-Gamma); and uplift from campaign
 * exposures (T-learner), or no uplift at all, with the reason, when there is no treated and control data.
 */
export const predictProject: Processor = async (ctx, app, report) => {
  const db = app.db.knex;
  const project = await findProject(db, ctx.data.projectId);
  if (!project) throw new PermanentJobError(`project ${ctx.data.projectId} no longer exists`);
  const referenceDate = await referenceDateOf(db, project.id, project.settings.referenceDate);
  if (!referenceDate)
    return { result: {}, skipped: "The project has no transactions yet, so there is nothing to predict." };
  const { churnHorizonDays, churnThresholds, clvHorizonMonths } = project.settings;
  const seed = projectSeed(project.id);
  const { durations, time } = stepTimer();

  await report(5, "Loading purchase history");
  const history = await time("load", () => loadPurchaseHistory(db, project.id, referenceDate));
  const customers = await time("load_customers", () => loadCustomerFeatures(db, project.id, referenceDate));

  await report(20, "Predicting churn");
  const churn = await time("churn", () =>
    scoreChurn(history, { referenceDate, horizonDays: churnHorizonDays, thresholds: churnThresholds, seed }),
  );

  await report(55, "Estimating lifetime value");
  const clv = await time("clv", () =>
    lifetimeValues(history, referenceDate, churn.bgnbdFit, clvHorizonMonths),
  );

  await report(70, "Estimating campaign uplift");
  const uplift = await time("uplift", async () => {
    const observations = await loadCampaignObservations(db, project.id, referenceDate);
    return estimateUplift(
      observations.map((o) => ({
        customerId: o.customerId,
        group: o.group,
        outcome: o.outcome,
        features: upliftFeatures(o.recencyDays, o.frequency, o.monetary),
      })),
      customers.map((c) => ({
        customerId: c.id,
        features: upliftFeatures(c.recencyDays, c.frequency, c.monetary),
      })),
      { seed },
    );
  });

  await report(85, "Saving scores");
  await time("write", () =>
    db.transaction(async (trx) => {
      await bulkUpdateById(
        trx,
        "customers",
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
        {
          churn_score: "double precision",
          churn_risk: "text",
          predicted_clv: "double precision",
          uplift_score: "double precision",
          scored_at: "timestamptz",
        },
      );
      await insertModelRun(trx, {
        project_id: project.id,
        organization_id: project.organization_id,
        job_id: ctx.id,
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
  return {
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
};

/** CLV per customer over the horizon, or why there is none (BG/NBD unusable, too few repeat buyers). */
function lifetimeValues(
  history: { customerId: string; at: Date; amount: number }[],
  referenceDate: Date,
  bgnbdFit: ReturnType<typeof scoreChurn>["bgnbdFit"],
  horizonMonths: number,
): { values: Map<string, number> | null; reason: string | null } {
  if (!bgnbdFit) return { values: null, reason: "No purchase-rate model could be fitted to this history." };
  const summaries = summarizeHistory(history, { calibrationEnd: referenceDate, unit: "days" });
  const degenerate = isDegenerateFit(bgnbdFit, [...summaries.values()]);
  if (degenerate.degenerate)
    return { values: null, reason: `The purchase-rate model is unreliable here: ${degenerate.reason}` };
  const repeat = [...summaries.values()].filter((s) => s.x > 0 && s.zbar > 0);
  if (repeat.length < MIN_REPEAT_BUYERS_FOR_CLV) {
    return {
      values: null,
      reason: `Only ${repeat.length} customers bought more than once; spend per order cannot be learned yet.`,
    };
  }
  const gammaGamma = fitGammaGamma(repeat.map((s) => ({ x: s.x, zbar: s.zbar })));
  const horizon = horizonMonths * DAYS_PER_MONTH;
  const values = new Map<string, number>();
  for (const [customerId, summary] of summaries) {
    const value = customerLifetimeValue(bgnbdFit, gammaGamma, summary, { horizon });
    values.set(customerId, Number.isFinite(value) ? Math.round(value * 100) / 100 : 0);
  }
  return { values, reason: null };
}
