import { describe, expect, it } from "vitest";
import type { Transaction } from "../../src/engine/customer-timeline.js";
import { fitPredictions, type PredictionFitInput, scorePredictions } from "../../src/engine/prediction.js";
import { seededRandom } from "../../src/engine/random.js";
import { spearman } from "../../src/engine/spearman.js";
import type { Exposure } from "../../src/engine/uplift.js";
import { syntheticShopRecords } from "../../src/synthetic/shop.js";

/**
 * The pipeline fits the predictive models on a seeded sample of a large project's customers and scores everyone
 * with them (domain/pipeline/predict-project.ts). On a fixture shop, models fitted on half of the customers score
 * every customer nearly as the models fitted on all of them do. Tolerances, stated:
 * - churn: the same model is chosen, its backtest AUC within 0.02, scores' Spearman >= 0.97 and mean absolute
 *   difference <= 0.03;
 * - CLV: the same model, values' Spearman >= 0.97 and the total within 5 %;
 * - uplift: the same status, and the report says the models learned from a sample.
 */
const END = new Date(Date.UTC(2026, 10, 1));
const transactions: Transaction[] = [];
const exposures: Exposure[] = [];
for (const r of syntheticShopRecords({
  customers: 6000,
  seed: 7,
  end: END,
  meanOrders: 8,
  meanDropout: 0.1,
})) {
  const customerId = String(r.customer_id);
  if (r.type === "campaign_exposure")
    exposures.push({
      customerId,
      campaignId: String(r.campaign_id),
      group: r.group === "control" ? "control" : "treatment",
      exposedAt: new Date(String(r.exposed_at)),
    });
  else
    transactions.push({
      customerId,
      at: new Date(String(r.order_date)),
      amount: Number(r.amount),
      orderId: String(r.order_id),
      isReturn: r.status === "returned",
    });
}
const customerIds = [...new Set(transactions.map((t) => t.customerId))].sort();
const extras = customerIds.map((id): [string, Record<string, string>] => [id, {}]);
const settings = {
  referenceDate: END,
  churnHorizonDays: 90,
  churnThresholds: { medium: 0.4, high: 0.7 },
  clvHorizonMonths: 6,
  campaignWindowDays: 30,
  seed: 3,
};

function scoresOf(input: PredictionFitInput) {
  const models = fitPredictions(input);
  const scores = scorePredictions({ models, transactions, extras, ...settings });
  return { models, scores };
}

describe("models fitted on a sample agree with the models fitted on every customer", {
  timeout: 600_000,
}, () => {
  it("scores every customer within the stated tolerances", () => {
    const full = scoresOf({ transactions, extras, exposures, ...settings });
    const random = seededRandom(19);
    const half = new Set(customerIds.filter(() => random() < 0.5));
    const sampled = scoresOf({
      transactions: transactions.filter((t) => half.has(t.customerId)),
      extras: extras.filter(([id]) => half.has(id)),
      exposures: exposures.filter((e) => half.has(e.customerId)),
      historyStart: new Date(Math.min(...transactions.map((t) => t.at.getTime()))),
      population: customerIds.length,
      ...settings,
    });
    expect(full.scores.customerIds).toEqual(sampled.scores.customerIds);

    expect(sampled.models.churn.model).toBe(full.models.churn.model);
    expect(Math.abs(sampled.models.churn.auc! - full.models.churn.auc!)).toBeLessThanOrEqual(0.02);
    const pairs = (column: (number | null)[], other: (number | null)[]) => {
      const at = column.map((_, i) => i).filter((i) => column[i] !== null && other[i] !== null);
      return [at.map((i) => column[i]!), at.map((i) => other[i]!)] as const;
    };
    const [churnFull, churnSampled] = pairs(full.scores.churnScores, sampled.scores.churnScores);
    expect(churnFull.length).toBeGreaterThan(5000);
    expect(spearman(churnFull, churnSampled)).toBeGreaterThanOrEqual(0.97);
    const meanDifference =
      churnFull.reduce((sum, v, i) => sum + Math.abs(v - churnSampled[i]!), 0) / churnFull.length;
    expect(meanDifference).toBeLessThanOrEqual(0.03);

    expect(sampled.models.clv.model).toBe(full.models.clv.model);
    const [clvFull, clvSampled] = pairs(full.scores.lifetimeValues, sampled.scores.lifetimeValues);
    expect(spearman(clvFull, clvSampled)).toBeGreaterThanOrEqual(0.97);
    const total = (values: number[]) => values.reduce((sum, v) => sum + v, 0);
    expect(Math.abs(total(clvSampled) / total(clvFull) - 1)).toBeLessThanOrEqual(0.05);

    expect(sampled.models.uplift.status).toBe(full.models.uplift.status);
    for (const report of [sampled.models.churn, sampled.models.clv, sampled.models.uplift])
      expect(report.warnings.map((w) => w.code)).toContain("sampled_customers");
    expect(full.models.churn.warnings.map((w) => w.code)).not.toContain("sampled_customers");
  });
});
