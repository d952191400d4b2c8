/**
 * npm run report:models — the Engine's model quality on the reference data, as the acceptance tests check it:
 * churn and CLV on CDNOW (39-week calibration, 39-week holdout), BG/NBD identifiability, uplift on synthetic
 * randomized campaigns (an effect that depends on region and recency, and one that depends on nothing), and the
 * segments with their names and the stability of k. Pure engine calls: no server, no database.
 *
 *   npm run report:models
 */
import { checkIdentified, fitBgnbd } from "../server/src/engine/bgnbd.js";
import { predictChurn } from "../server/src/engine/churn.js";
import { predictLifetimeValue } from "../server/src/engine/clv.js";
import {
  buildTimelines,
  type CustomerTimeline,
  DAY_MS,
  purchaseSummaryAsOf,
} from "../server/src/engine/customer-timeline.js";
import { clusterCustomers, kStability, scaleFeatures } from "../server/src/engine/kmeans.js";
import { rfmAsOf } from "../server/src/engine/rfm.js";
import {
  nameSegments,
  type RfmValues,
  rfmCutPoints,
  rfmSegments,
} from "../server/src/engine/segment-names.js";
import { estimateCampaignUplift } from "../server/src/engine/uplift.js";
import { qiniCoefficient } from "../server/src/engine/uplift-metrics.js";
import { cdnowSamplePurchases, utc } from "../server/test/engine/cdnow-data.js";
import {
  campaignWithFreshCustomers,
  heterogeneousEffect,
  REFERENCE_DATE,
  REGIONS,
} from "../server/test/engine/synthetic-campaign.js";
import { syntheticShop, UNIDENTIFIED_SHOP } from "../server/test/engine/synthetic-shop.js";

const f3 = (value: number | null | undefined) =>
  value === null || value === undefined ? "n/a" : value.toFixed(3);
const section = (title: string) => console.log(`\n== ${title}`);

const cdnow = buildTimelines(
  cdnowSamplePurchases().map((p) => ({ customerId: p.customerId, at: p.at, amount: p.amount ?? 0 })),
);
const cdnowReference = utc("1998-06-30");

function churnOnCdnow() {
  section(
    "Churn on CDNOW: reference 1998-06-30, horizon 273 days (cutoff 1997-09-30), backtest AUC per fold seed (AUC within each fold, averaged over 10 folds x 4 repeats, the same folds for every column)",
  );
  const names = ["bgnbd", "logistic", "forest", "recency", "frequency"];
  console.log(
    `  seed  ${names.map((n) => n.padStart(9)).join(" ")}   chosen    margin over the best single baseline`,
  );
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    const result = predictChurn(cdnow, {
      referenceDate: cdnowReference,
      horizonDays: 273,
      thresholds: { medium: 0.5, high: 0.8 },
      seed,
    });
    const auc = (name: string) => result.backtest[name] ?? null;
    const baseline = Math.max(auc("bgnbd")!, auc("recency")!, auc("frequency")!);
    console.log(
      `  ${String(seed).padStart(4)}  ${names.map((n) => f3(auc(n)).padStart(9)).join(" ")}   ${result.model.padEnd(9)} ${(result.auc! - baseline >= 0 ? "+" : "") + f3(result.auc! - baseline)}`,
    );
  }
  console.log(
    "  (BG/NBD, recency and frequency need no training: the fold seed moves their AUCs only through which customers share a fold.)",
  );
}

function clvOnCdnow() {
  section("CLV on CDNOW: backtest of 273 days from 1997-09-30, against each customer's holdout net revenue");
  const result = predictLifetimeValue(cdnow, { referenceDate: cdnowReference, horizonDays: 273, seed: 1 });
  console.log("  candidate             Spearman   mean abs. error   predicted/actual total");
  for (const [model, q] of Object.entries(result.backtest!.quality))
    console.log(
      `  ${model.padEnd(20)}  ${f3(q.spearman).padStart(8)}   ${q.meanAbsoluteError.toFixed(2).padStart(15)}   ${f3(q.totalRatio).padStart(10)}`,
    );
  console.log(`  chosen: ${result.model} (Spearman ${f3(result.spearman)}): ${result.reason}`);
}

function identifiability() {
  section("BG/NBD identifiability (95 % profile-likelihood intervals of the dropout parameters)");
  const show = (label: string, timelines: CustomerTimeline[], at: Date) => {
    const data = timelines.map((t) => purchaseSummaryAsOf(t, at.getTime())).filter((s) => s !== null);
    const fit = fitBgnbd(data);
    const check = checkIdentified(fit, data);
    const intervals = check.intervals
      .map(
        (i) =>
          `${i.parameter} ${i.estimate.toPrecision(3)} [${i.low?.toPrecision(3) ?? "unbounded"}, ${i.high?.toPrecision(3) ?? "unbounded"}]`,
      )
      .join("; ");
    console.log(
      `  ${label}: ${check.identified ? "identified" : "NOT identified"}; ${intervals}${check.reason ? `\n    ${check.reason}` : ""}`,
    );
  };
  show("CDNOW as of 1997-09-30", cdnow, utc("1997-09-30"));
  const short = syntheticShop(UNIDENTIFIED_SHOP);
  show(
    "two months of 300 synthetic customers",
    buildTimelines(short.map((p) => ({ customerId: p.customerId, at: p.at, amount: p.amount ?? 0 }))),
    utc("2024-03-01"),
  );
}

function uplift() {
  section(
    "Uplift on synthetic randomized campaigns: 10,000 exposed customers; served scores judged on 10,000 fresh ones",
  );
  const cases = [
    ["effect by region and recency", heterogeneousEffect],
    ["the same effect (0.05) for everyone", () => 0.05],
  ] as const;
  for (const [label, effect] of cases) {
    const { timelines, exposures, fresh } = campaignWithFreshCustomers(effect);
    const started = performance.now();
    const result = estimateCampaignUplift(exposures, timelines, {
      referenceDate: REFERENCE_DATE,
      windowDays: 30,
      seed: 1,
    });
    const seconds = (performance.now() - started) / 1000;
    if (result.status !== "estimated") {
      console.log(`  ${label}: not estimable: ${result.reason}`);
      continue;
    }
    const { served, oracle } = freshQini(result.scores, fresh);
    const { holdout, averageEffect: ate } = result;
    console.log(`  ${label} (${seconds.toFixed(1)} s):`);
    console.log(
      `    cross-validated Qini: ${result.candidates.map((c) => `${c.model} ${f3(c.value)}`).join(", ")}`,
    );
    console.log(
      `    chosen: ${result.model}; heterogeneity ${result.heterogeneity ? "usable" : "none usable"}`,
    );
    console.log(
      `    held-out split (${holdout.exposures} exposures): Qini ${f3(holdout.qini)} (random ${f3(holdout.randomQini.mean)} ± ${f3(holdout.randomQini.sd)}), uplift@30% ${f3(holdout.upliftAt30)}`,
    );
    console.log(`    average effect ${f3(ate.estimate)} (95 % interval ${f3(ate.low)} to ${f3(ate.high)})`);
    console.log(
      `    fresh customers: served Qini ${f3(served)}, true effect's Qini ${f3(oracle)}${oracle ? `, ratio ${f3(served! / oracle)}` : ""}`,
    );
    console.log(`    features: ${result.features.join(", ")}`);
  }
  console.log(
    `  (regions: ${REGIONS.join(", ")}; the true effect is 0.2 in the north plus 0.2 exp(-recency / 60 days).)`,
  );
}

/** The Qini of served scores and of the true effect on the fresh customers' outcomes. */
function freshQini(
  scores: Map<string, number>,
  fresh: ReturnType<typeof campaignWithFreshCustomers>["fresh"],
) {
  const groups = fresh.exposures.map((e) => e.group);
  const outcomes = fresh.exposures.map((e) => e.outcome);
  return {
    served: qiniCoefficient(
      fresh.exposures.map((e) => scores.get(e.customerId)!),
      groups,
      outcomes,
    ),
    oracle: qiniCoefficient(
      fresh.customers.map((c) => c.effect),
      groups,
      outcomes,
    ),
  };
}

/** How robust the served uplift is: served / true effect's Qini over seeded campaigns of the test's sizes. */
function upliftOverCampaigns() {
  const campaigns = 8;
  section(
    `Uplift over ${campaigns} seeded campaigns (effect by region and recency; the fit's seed is the campaign's): served Qini / true effect's Qini on as many fresh customers`,
  );
  for (const customers of [4000, 8000]) {
    const ratios: number[] = [];
    const models = new Map<string, number>();
    for (let n = 1; n <= campaigns; n++) {
      const { timelines, exposures, fresh } = campaignWithFreshCustomers(heterogeneousEffect, customers, n);
      const result = estimateCampaignUplift(exposures, timelines, {
        referenceDate: REFERENCE_DATE,
        windowDays: 30,
        seed: n,
      });
      if (result.status !== "estimated") continue;
      const { served, oracle } = freshQini(result.scores, fresh);
      if (served !== null && oracle) ratios.push(served / oracle);
      models.set(result.model, (models.get(result.model) ?? 0) + 1);
    }
    const sorted = [...ratios].sort((a, b) => a - b);
    const mean = ratios.reduce((sum, r) => sum + r, 0) / ratios.length;
    console.log(
      `  ${customers} exposures: min ${f3(sorted[0])}, median ${f3(sorted[Math.floor(sorted.length / 2)])}, mean ${f3(mean)}, max ${f3(sorted.at(-1))}; served: ${[...models].map(([m, c]) => `${m} ${c}`).join(", ")}`,
    );
  }
}

function segments() {
  section(
    "Segments on CDNOW as of 1998-06-30: K-Means on log R, F, M; names against the population's quintiles",
  );
  const at = cdnowReference.getTime() + DAY_MS - 1;
  const customers: RfmValues[] = [];
  for (const t of cdnow) {
    const rfm = rfmAsOf(t, at);
    if (rfm.recencyDays !== null)
      customers.push({ recencyDays: rfm.recencyDays, frequency: rfm.frequency, monetary: rfm.monetary });
  }
  const { scaled } = scaleFeatures(
    customers.map((c) => [c.recencyDays, c.frequency, Math.max(0, c.monetary)]),
    [true, true, true],
  );
  const options = { kMin: 2, kMax: 8, seed: 1 };
  const clustering = clusterCustomers(scaled, options);
  console.log(`  ${clustering.reason}`);
  const stability = kStability(scaled, clustering.k, options);
  console.log(
    `  stability: ${stability.runs.map((r) => `seed ${r.seed} -> k ${r.k}`).join(", ")}; agreement ${f3(stability.agreement)} on ${stability.sampleSize} customers`,
  );
  const names = nameSegments(customers, clustering.labels, clustering.k);
  for (const name of names)
    console.log(
      `  ${name.label.padEnd(48)} ${String(name.size).padStart(5)} customers, position R${name.position.r} F${name.position.f} M${name.position.m}, median ${name.median.recencyDays} days / ${name.median.frequency} orders / ${name.median.monetary.toFixed(2)}`,
    );
  const p80 = rfmCutPoints(customers).recencyDays[3]!;
  const violations = customers.filter(
    (c, i) =>
      c.recencyDays > p80 && ["Champions", "Loyal Customers"].includes(names[clustering.labels[i]!]!.label),
  ).length;
  console.log(
    `  customers inactive beyond the 80th percentile of recency (${p80} days) in Champions or Loyal Customers: ${violations}`,
  );
  const counts = new Map<string, number>();
  for (const { segment } of rfmSegments(customers)) counts.set(segment, (counts.get(segment) ?? 0) + 1);
  console.log(
    `  rfm_segment: ${[...counts]
      .sort((a, b) => b[1] - a[1])
      .map(([n, c]) => `${n} ${c}`)
      .join(", ")}`,
  );
}

churnOnCdnow();
clvOnCdnow();
identifiability();
uplift();
upliftOverCampaigns();
segments();
console.log("\ncommand: npm run report:models");
