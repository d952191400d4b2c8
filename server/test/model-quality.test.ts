import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { qiniCoefficient } from "../src/engine/uplift-metrics.js";
import { cdnowSamplePurchases } from "./engine/cdnow-data.js";
import {
  EXPOSED_AT,
  heterogeneousEffect,
  REFERENCE_DATE,
  type SyntheticCampaign,
  syntheticCampaign,
} from "./engine/synthetic-campaign.js";
import {
  createTenant,
  ingest,
  setPlan,
  startTestServer,
  type Tenant,
  type TestServer,
  waitForRun,
} from "./helpers/test-server.js";

/**
 * The acceptance of issue #14 through the API: data goes in as records, the pipeline runs on the real workers, and
 * the overview and the customers list are read back. CDNOW (39-week calibration, 39-week holdout) for churn and
 * CLV; synthetic randomized campaigns for uplift (one whose effect depends on an extra field and on recency, one
 * whose effect is the same for everyone); a leak test and a rerun for point in time and determinism.
 */
let server: TestServer;
type Customer = Record<string, unknown> & { customer_id: string };
type Overview = { models: Record<string, Record<string, unknown> & { candidates: Candidate[] }> };
type Candidate = { model: string; role: string; metric: string; value: number | null; eligible: boolean };

beforeAll(async () => {
  server = await startTestServer({ segmentationDebounceMs: 300 });
});
afterAll(async () => {
  expect(server.app.contractViolations).toEqual([]);
  await server.close();
});

/**
 * A project on the pro plan with these settings. Its segmentation uses one k: this suite judges the predictive
 * models, and the search for k over 2 to 10 (with its stability reruns) was most of each run's time.
 */
async function project(name: string, settings: Record<string, unknown>): Promise<Tenant> {
  const tenant = await createTenant(server, name);
  await setPlan(server, tenant.orgId, "pro");
  const res = await server.request(`/api/projects/${tenant.projectId}`, {
    method: "PATCH",
    body: { settings: { kMin: 4, kMax: 4, ...settings } },
    cookie: tenant.cookie,
  });
  expect(res.status).toBe(200);
  return tenant;
}

/**
 * Sends records as ONE run (batches of 10,000, the ingest limit: `final: false` and the first batch's run_id on all
 * but the last), so the models are fitted once on all of it rather than once per batch, and waits for it to end.
 */
async function send(tenant: Tenant, records: Record<string, unknown>[]) {
  const BATCH = 10_000;
  let runId: string | undefined;
  for (let i = 0; i < records.length; i += BATCH) {
    const final = i + BATCH >= records.length;
    const accepted = await ingest(server, tenant, records.slice(i, i + BATCH), { run_id: runId, final });
    runId ??= accepted.run_id;
  }
  const run = await waitForRun(server, tenant, runId!, 900_000);
  expect(run.status).toBe("completed");
  const stages: { stage: string; duration_ms: number }[] = run.stages;
  expect(stages.filter((s) => s.stage === "predictive")).toHaveLength(1);
  // Where a suite's minutes go (the stages' own timings), for whoever makes it faster.
  console.log(
    `${records.length} records: ${stages.map((s) => `${s.stage} ${(s.duration_ms / 1000).toFixed(1)} s`).join(", ")}`,
  );
}

async function overviewOf(tenant: Tenant): Promise<Overview> {
  const res = await server.request(`/api/engine/projects/${tenant.projectId}/overview`, {
    cookie: tenant.cookie,
  });
  expect(res.status).toBe(200);
  return res.body;
}

async function customersOf(tenant: Tenant): Promise<Customer[]> {
  const out: Customer[] = [];
  for (let page = 1; ; page++) {
    const res = await server.request(
      `/api/engine/projects/${tenant.projectId}/customers?limit=500&page=${page}&sort_by=rfm_monetary`,
      { cookie: tenant.cookie },
    );
    out.push(...res.body.customers);
    if (page >= res.body.pages) return out;
  }
}

const metricOf = (candidates: Candidate[], model: string) => candidates.find((c) => c.model === model)?.value;

describe("churn and CLV on CDNOW (calibration 39 weeks, holdout 39 weeks)", () => {
  let overview: Overview;
  beforeAll(async () => {
    const tenant = await project("Cdnow", {
      referenceDate: "1998-06-30",
      churnHorizonDays: 273,
      clvHorizonMonths: 9,
    });
    await send(
      tenant,
      cdnowSamplePurchases().map((p) => ({
        customer_id: p.customerId,
        order_date: p.at.toISOString().slice(0, 10),
        amount: p.amount,
      })),
    );
    overview = await overviewOf(tenant);
  }, 900_000);

  it("compares every churn candidate by backtest AUC and scores with the best, above every single baseline", () => {
    const churn = overview.models.churn!;
    const { candidates } = churn;
    expect(candidates.map((c) => [c.model, c.role])).toEqual([
      ["bgnbd", "candidate"],
      ["logistic", "candidate"],
      ["forest", "candidate"],
      ["recency", "baseline"],
      ["frequency", "baseline"],
    ]);
    for (const c of candidates) expect(c.value).toBeGreaterThan(0.6);
    const best = Math.max(
      ...candidates.filter((c) => c.role === "candidate" && c.eligible).map((c) => c.value!),
    );
    // The best scores; BG/NBD keeps scoring within 0.005 of it (explainable, no label window).
    expect(churn.auc as number).toBeGreaterThanOrEqual(best - 0.005);
    const baseline = Math.max(...["bgnbd", "recency", "frequency"].map((m) => metricOf(candidates, m)!));
    // The issue's acceptance: at least 0.01 above the best single baseline on the same customers and folds. The
    // project's own seed draws the folds; over fold seeds the margin is 0.011 to 0.012 (npm run report:models).
    console.log(`CDNOW churn: ${churn.model} AUC ${churn.auc}, best single baseline ${baseline}`);
    expect(churn.auc as number).toBeGreaterThanOrEqual(baseline + 0.01);
    expect(churn.choice).toMatch(/AUC/);
    expect((churn.features as string[]).length).toBeGreaterThan(10);
  });

  it("checks BG/NBD's identifiability and values with a CLV model at least as good as BG/NBD x Gamma-Gamma", () => {
    const clv = overview.models.clv!;
    expect(clv.identifiability).toMatchObject({ identified: true });
    expect(clv.candidates.map((c) => c.model)).toEqual([
      "bgnbd_gamma_gamma",
      "forest_gamma_gamma",
      "past_value",
    ]);
    const bgnbd = metricOf(clv.candidates, "bgnbd_gamma_gamma")!;
    console.log(`CDNOW CLV: ${clv.model} Spearman ${clv.spearman}, BG/NBD x Gamma-Gamma ${bgnbd}`);
    expect(clv.spearman as number).toBeGreaterThanOrEqual(bgnbd);
    expect(clv.spearman as number).toBeGreaterThan(0.3);
  });
});

/** A campaign's purchases, extra fields and exposures as ingest records. */
function campaignRecords(campaign: SyntheticCampaign, until: Date, withExposures: boolean) {
  const records: Record<string, unknown>[] = campaign.transactions
    .filter((t) => t.at <= until)
    .map((t) => ({
      customer_id: t.customerId,
      order_date: t.at.toISOString(),
      amount: t.amount,
      order_id: t.orderId,
      ...campaign.extra.get(t.customerId),
    }));
  if (withExposures)
    for (const e of campaign.exposures)
      records.push({
        type: "campaign_exposure",
        customer_id: e.customerId,
        campaign_id: e.campaignId,
        group: e.group,
        exposed_at: e.exposedAt.toISOString(),
      });
  return records;
}

const REFERENCE_DAY = REFERENCE_DATE.toISOString().slice(0, 10);
/**
 * Exposed customers (and as many fresh ones) of the campaign sent through the API. The issue's acceptance: the served
 * scores' Qini on the fresh customers is at least 80 % of the true effect's. With 8,000 exposures the learners'
 * cross-validated Qini tells them apart well enough for that whatever the project's seed (npm run report:models
 * prints the ratio over seeded campaigns of 4,000 and 8,000); at 4,000 it does not on this campaign, where the
 * forest or class transformation, about 0.75 of the oracle's here, serve for some seeds.
 */
const CAMPAIGN_SIZE = 8000;
const SERVED_SHARE_OF_ORACLE = 0.8;

describe("uplift on a randomized campaign whose effect depends on an extra field and on recency", () => {
  let tenant: Tenant;
  // Drawn while the suite is collected, before the server starts: seconds of drawing between two requests would
  // let the server close the kept-alive connection under the client (ECONNRESET on a loaded machine).
  const main = syntheticCampaign({
    customers: CAMPAIGN_SIZE,
    seed: 1,
    exposedAt: EXPOSED_AT,
    effect: heterogeneousEffect,
  });
  // Customers exposed just after the reference date: their outcomes, unseen by the models, judge the scores.
  const fresh = syntheticCampaign({
    customers: CAMPAIGN_SIZE,
    seed: 2,
    exposedAt: new Date(REFERENCE_DATE.getTime() + 1),
    effect: heterogeneousEffect,
    prefix: "e",
  });
  const records = [
    ...campaignRecords(main, REFERENCE_DATE, true),
    ...campaignRecords(fresh, REFERENCE_DATE, false),
  ];
  beforeAll(async () => {
    tenant = await project("Campaign", { referenceDate: REFERENCE_DAY });
    await send(tenant, records);
  }, 1_800_000);

  it("serves scores whose Qini approaches the true effect's, and reports how it chose", async () => {
    const scores = new Map((await customersOf(tenant)).map((c) => [c.customer_id, c.uplift_score as number]));
    const groups = fresh.exposures.map((e) => e.group);
    const outcomes = fresh.exposures.map((e) => e.outcome);
    const served = qiniCoefficient(
      fresh.exposures.map((e) => scores.get(e.customerId)!),
      groups,
      outcomes,
    )!;
    const oracle = qiniCoefficient(
      fresh.customers.map((c) => c.effect),
      groups,
      outcomes,
    )!;
    const uplift = (await overviewOf(tenant)).models.uplift!;
    console.log(`campaign: ${uplift.model} served Qini ${served.toFixed(3)}, oracle ${oracle.toFixed(3)}`);
    expect(served).toBeGreaterThanOrEqual(SERVED_SHARE_OF_ORACLE * oracle);
    expect(uplift).toMatchObject({ status: "estimated", heterogeneity: true, reason: null });
    expect(uplift.candidates.map((c) => c.model)).toEqual([
      "interaction_logistic",
      "class_transformation",
      "t_learner_logistic",
      "t_learner_forest",
    ]);
    expect(uplift.features).toEqual(expect.arrayContaining(["region=north", "newsletter", "age"]));
    const holdout = uplift.holdout as { qini: number; random_qini: { mean: number; sd: number } };
    expect(holdout.qini).toBeGreaterThan(holdout.random_qini.mean + 3 * holdout.random_qini.sd);
    const effect = uplift.average_effect as { estimate: number; low: number; high: number };
    expect(effect.low).toBeLessThan(effect.estimate);
    expect(effect.high).toBeGreaterThan(effect.estimate);
  }, 300_000);
});

describe("uplift on a randomized campaign whose effect is the same for everyone", () => {
  let tenant: Tenant;
  let before: { customers: Customer[]; overview: Overview };
  const campaign = syntheticCampaign({ customers: 3000, seed: 7, exposedAt: EXPOSED_AT, effect: () => 0.05 });
  beforeAll(async () => {
    tenant = await project("Flat", { referenceDate: REFERENCE_DAY });
    await send(tenant, campaignRecords(campaign, REFERENCE_DATE, true));
    before = { customers: await customersOf(tenant), overview: await overviewOf(tenant) };
  }, 900_000);

  it("says the effect shows no usable heterogeneity and scores everyone with the average effect and its interval", () => {
    const uplift = before.overview.models.uplift!;
    expect(uplift).toMatchObject({ status: "estimated", heterogeneity: false, model: "average_effect" });
    expect(uplift.choice).toMatch(/^No usable heterogeneity: /);
    const { estimate, low, high } = uplift.average_effect as { estimate: number; low: number; high: number };
    expect(low).toBeLessThanOrEqual(0.05);
    expect(high).toBeGreaterThanOrEqual(0.05);
    expect(new Set(before.customers.map((c) => c.uplift_score))).toEqual(new Set([estimate]));
  });

  it("learns point in time: purchases and exposures after the reference date change no score and no metric", async () => {
    const later = new Date(REFERENCE_DATE.getTime() + 86_400_000);
    await send(tenant, [
      ...campaign.customers.slice(0, 500).map((c, i) => ({
        customer_id: c.customerId,
        order_date: new Date(later.getTime() + i * 60_000).toISOString(),
        amount: 75,
        ...c.extra,
      })),
      ...campaign.customers.slice(0, 500).map((c) => ({
        type: "campaign_exposure",
        customer_id: c.customerId,
        campaign_id: "summer",
        group: "treatment",
        exposed_at: later.toISOString(),
      })),
    ]);
    // The same data as of the reference date, read back in another physical order: the same everything.
    const after = { customers: await customersOf(tenant), overview: await overviewOf(tenant) };
    const omitTimes = (customers: Customer[]) =>
      customers.map(({ last_transaction_at: _last, extra_features: _extra, ...rest }) => rest);
    expect(omitTimes(after.customers)).toEqual(omitTimes(before.customers));
    expect(after.overview.models).toEqual(before.overview.models);
  }, 900_000);
});
