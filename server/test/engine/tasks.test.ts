import { describe, expect, it } from "vitest";
import { fitPredictions, scorePredictions } from "../../src/engine/prediction.js";
import { segmentCustomers } from "../../src/engine/segmentation.js";
import { shuffled } from "./shuffle.js";
import { EXPOSED_AT, heterogeneousEffect, REFERENCE_DATE, syntheticCampaign } from "./synthetic-campaign.js";

/**
 * The Engine tasks the pipeline runs on its threads (engine/tasks.ts), as the pipeline calls them: the same data in
 * another order with the same seed gives the same scores and the same report, to the last digit.
 */
const campaign = syntheticCampaign({
  customers: 1500,
  seed: 5,
  exposedAt: EXPOSED_AT,
  effect: heterogeneousEffect,
});
const input = {
  transactions: campaign.transactions,
  extras: [...campaign.extra],
  exposures: campaign.exposures.map(({ outcome: _outcome, ...exposure }) => exposure),
  referenceDate: REFERENCE_DATE,
  churnHorizonDays: 30,
  churnThresholds: { medium: 0.4, high: 0.7 },
  clvHorizonMonths: 1,
  campaignWindowDays: 30,
  seed: 11,
};

describe("the Engine tasks are deterministic", { timeout: 300_000 }, () => {
  it("fitPredictions + scorePredictions: shuffled transactions, customers and exposures give identical results", () => {
    const predict = (data: typeof input) => {
      const models = fitPredictions(data);
      const { transactions, extras, referenceDate, churnThresholds } = data;
      return {
        models,
        scores: scorePredictions({ models, transactions, extras, referenceDate, churnThresholds }),
      };
    };
    const first = predict(input);
    const again = predict({
      ...input,
      transactions: shuffled(input.transactions, 1),
      extras: shuffled(input.extras, 2),
      exposures: shuffled(input.exposures, 3),
    });
    expect(first.scores.churnScores.filter((s) => s !== null).length).toBeGreaterThan(1000);
    expect(first.models.uplift.status).toBe("estimated");
    expect(again).toEqual(first);
  });

  it("scorePredictions: a customer's scores are the same in any batch (each depends on their own timeline)", () => {
    const models = fitPredictions(input);
    const { transactions, extras, referenceDate, churnThresholds } = input;
    const whole = scorePredictions({ models, transactions, extras, referenceDate, churnThresholds });
    const half = new Set(extras.filter((_, i) => i % 2 === 0).map(([id]) => id));
    const batch = scorePredictions({
      models,
      transactions: transactions.filter((t) => half.has(t.customerId)),
      extras: extras.filter(([id]) => half.has(id)),
      referenceDate,
      churnThresholds,
    });
    expect(batch.customerIds.length).toBe(half.size);
    const row = (s: typeof whole, i: number) => [
      s.churnScores[i],
      s.churnRisks[i],
      s.lifetimeValues[i],
      s.upliftScores[i],
    ];
    batch.customerIds.forEach((id, i) => {
      expect(row(batch, i)).toEqual(row(whole, whole.customerIds.indexOf(id)));
    });
  });

  it("segmentCustomers: the same customers in another order get the same scores, segments and names", () => {
    const customers = Array.from({ length: 800 }, (_, i) => ({
      id: `c${i}`,
      recencyDays: (i * 37) % 400,
      frequency: 1 + ((i * 13) % 9),
      monetary: 10 + ((i * 71) % 900),
      returnRate: ((i * 7) % 10) / 20,
      tenureDays: 400 + ((i * 11) % 300),
    }));
    const order = shuffled(
      customers.map((_, i) => i),
      4,
    );
    const first = segmentCustomers({ customers, kMin: 2, kMax: 6, seed: 3 });
    const again = segmentCustomers({ customers: order.map((i) => customers[i]!), kMin: 2, kMax: 6, seed: 3 });
    const perCustomer = (result: typeof first, at: (i: number) => number) =>
      customers.map((_, i) => ({
        score: result.scores[at(i)],
        rfmSegment: result.rfmSegments[at(i)],
        segment: result.names[result.clustering.labels[at(i)]!]!.label,
      }));
    expect(again.clustering.k).toBe(first.clustering.k);
    expect(perCustomer(again, (i) => order.indexOf(i))).toEqual(perCustomer(first, (i) => i));
  });
});
