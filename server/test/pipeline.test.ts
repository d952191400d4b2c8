import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syntheticShop } from "../src/synthetic/shop.js";
import {
  createTenant,
  followPipeline,
  ingest,
  setPlan,
  startTestServer,
  type Tenant,
  type TestServer,
} from "./helpers/test-server.js";

let server: TestServer;
let tenant: Tenant;
let finalJob: { status: string; result: Record<string, unknown> };

beforeAll(async () => {
  server = await startTestServer({ segmentationDebounceMs: 200 });
  tenant = await createTenant(server, "Engine");
  await setPlan(server, tenant.orgId, "pro");
  const records = syntheticShop({ customers: 1500, seed: 7 });
  const jobs = [];
  for (let i = 0; i < records.length; i += 10_000)
    jobs.push(await ingest(server, tenant, records.slice(i, i + 10_000)));
  const stages = await followPipeline(server, tenant, jobs.at(-1)!.job_id);
  finalJob = stages.at(-1)!;
  expect(stages.map((s) => [s.type, s.status])).toEqual([
    ["ingest", "completed"],
    ["segmentation", "completed"],
    ["predictive", "completed"],
    ["action", "completed"],
  ]);
}, 180_000);
afterAll(async () => {
  expect(server.app.contractViolations).toEqual([]);
  await server.close();
});

describe("the Engine in the pipeline", () => {
  it("scores every customer: RFM, scores 1-5, ABC, segment, churn, CLV, embedding", async () => {
    expect(finalJob.status).toBe("completed");
    const customers = await server.app.db.knex("customers").where({ project_id: tenant.projectId });
    expect(customers.length).toBeGreaterThan(1000);
    for (const c of customers) {
      expect(c.rfm_recency_days).toBeGreaterThanOrEqual(0);
      expect(c.rfm_frequency).toBeGreaterThanOrEqual(0);
      for (const score of [c.rfm_r_score, c.rfm_f_score, c.rfm_m_score])
        expect(score).toBeGreaterThanOrEqual(1);
      expect(["A", "B", "C"]).toContain(c.abc_category);
      expect(c.segment_label).toBeTruthy();
      expect(c.churn_score).toBeGreaterThanOrEqual(0);
      expect(c.churn_score).toBeLessThanOrEqual(1);
      expect(["low", "medium", "high"]).toContain(c.churn_risk);
    }
    expect(customers.filter((c) => c.predicted_clv !== null).length).toBe(customers.length);
    const embeddings = await server.app.db
      .knex("customer_embeddings")
      .where({ project_id: tenant.projectId });
    expect(embeddings).toHaveLength(customers.length);
    expect(embeddings[0].embedding.split(",")).toHaveLength(6);
    const revenueA = customers
      .filter((c) => c.abc_category === "A")
      .reduce((s, c) => s + Math.max(0, Number(c.rfm_monetary)), 0);
    const revenue = customers.reduce((s, c) => s + Math.max(0, Number(c.rfm_monetary)), 0);
    expect(revenueA / revenue).toBeGreaterThanOrEqual(0.8);
  });

  it("names its segments uniquely and records the k choice with its diagnostics", async () => {
    const segments = await server.app.db
      .knex("segments")
      .where({ project_id: tenant.projectId, kind: "cluster" });
    const run = await server.app.db
      .knex("model_runs")
      .where({ project_id: tenant.projectId, kind: "segmentation" })
      .first();
    expect(segments).toHaveLength(run.metrics.k);
    expect(new Set(segments.map((s) => s.name)).size).toBe(segments.length);
    for (const s of segments) expect(s.description).toMatch(/\.$/);
    expect(run.metrics.reason).toContain(`k = ${run.metrics.k}`);
    expect(run.metrics.diagnostics.length).toBeGreaterThanOrEqual(3);
    expect(run.durations_ms.clustering).toBeGreaterThan(0);
    expect(run.data_size.customers).toBeGreaterThan(1000);
  });

  it("records which churn model ran with its backtest AUC, and the campaign's uplift", async () => {
    const run = await server.app.db
      .knex("model_runs")
      .where({ project_id: tenant.projectId, kind: "predictive" })
      .first();
    expect(["bgnbd", "logistic"]).toContain(run.metrics.churn.model);
    expect(run.metrics.churn.auc).toBeGreaterThan(0.6);
    expect(run.metrics.uplift.status).toBe("estimated");
    expect(run.metrics.uplift.treated).toBeGreaterThan(run.metrics.uplift.control);
    const scored = await server.app.db
      .knex("customers")
      .where({ project_id: tenant.projectId })
      .whereNotNull("uplift_score");
    expect(scored.length).toBeGreaterThan(1000);
  });

  it("shows the uplift's held-out Qini curve in the overview, beside random targeting's line", async () => {
    const res = await server.request(`/api/engine/projects/${tenant.projectId}/overview`, {
      cookie: tenant.cookie,
    });
    expect(res.status, res.text).toBe(200);
    const uplift = res.body.models.uplift;
    expect(uplift.status).toBe("estimated");
    const { holdout } = uplift;
    const curve = holdout.qini_curve as {
      treated: number;
      control: number;
      points: { share: number; incremental: number }[];
      random: { share: number; incremental: number }[];
    };
    expect(curve.treated + curve.control).toBe(holdout.exposures);
    expect(curve.points.length).toBeGreaterThanOrEqual(2);
    expect(curve.points.length).toBeLessThanOrEqual(101);
    expect(curve.points[0]).toEqual({ share: 0, incremental: 0 });
    for (let k = 1; k < curve.points.length; k++)
      expect(curve.points[k]!.share).toBeGreaterThan(curve.points[k - 1]!.share);
    // It ends at the whole holdout: Y_t − Y_c N_t / N_c = N_t × (treated rate − control rate).
    const end = curve.points.at(-1)!;
    expect(end.share).toBe(1);
    expect(end.incremental).toBeCloseTo(curve.treated * holdout.average_effect.estimate, 9);
    expect(curve.random).toEqual([{ share: 0, incremental: 0 }, end]);
    // The Qini coefficient is the area between the curve and the random line over the perfect ordering's (> 0):
    // the same sign as that area.
    const area = (points: { share: number; incremental: number }[]) =>
      points
        .slice(1)
        .reduce(
          (sum, p, k) => sum + ((p.share - points[k]!.share) * (p.incremental + points[k]!.incremental)) / 2,
          0,
        );
    const between = area(curve.points) - area(curve.random);
    expect(Math.sign(between)).toBe(Math.sign(holdout.qini));

    // A run recorded before the curve was kept shows none (null, as the spec allows), not an invented one.
    const run = server.app.db.knex("model_runs").where({ project_id: tenant.projectId, kind: "predictive" });
    await run.clone().update({ metrics: server.app.db.knex.raw(`metrics #- '{uplift,holdout,qini_curve}'`) });
    const older = await server.request(`/api/engine/projects/${tenant.projectId}/overview`, {
      cookie: tenant.cookie,
    });
    await run.clone().update({
      metrics: server.app.db.knex.raw(`jsonb_set(metrics, '{uplift,holdout,qini_curve}', ?::jsonb)`, [
        JSON.stringify(curve),
      ]),
    });
    expect(older.status, older.text).toBe(200);
    expect(older.body.models.uplift.holdout).toEqual({ ...holdout, qini_curve: null });
  });

  it("is reproducible: the same data gives the same segments", async () => {
    const before = await server.app.db
      .knex("customers")
      .where({ project_id: tenant.projectId })
      .orderBy("id")
      .pluck("segment_label");
    const res = await server.request(`/api/engine/projects/${tenant.projectId}/segmentation`, {
      method: "POST",
      cookie: tenant.cookie,
    });
    expect(res.status).toBe(202);
    await followPipeline(server, tenant, res.body.job_id);
    const after = await server.app.db
      .knex("customers")
      .where({ project_id: tenant.projectId })
      .orderBy("id")
      .pluck("segment_label");
    expect(after).toEqual(before);
  });

  it("says why uplift is missing when there is no control group, and never invents it", async () => {
    const t = await createTenant(server, "NoControl");
    const records = syntheticShop({
      customers: 300,
      seed: 3,
      campaign: { id: "all-in", daysBeforeEnd: 60, reach: 0.6, controlShare: 0 },
    });
    const job = await ingest(server, t, records);
    const stages = await followPipeline(server, t, job.job_id);
    expect(stages.map((s) => s.status)).toEqual(["completed", "completed", "completed", "completed"]);
    const run = await server.app.db
      .knex("model_runs")
      .where({ project_id: t.projectId, kind: "predictive" })
      .first();
    expect(run.metrics.uplift).toMatchObject({ status: "not_estimable", control: 0 });
    expect(run.metrics.uplift.reason).toContain("control group");
    expect(
      await server.app.db.knex("customers").where({ project_id: t.projectId }).whereNotNull("uplift_score"),
    ).toEqual([]);
  });

  it("counts model runs against the plan: the free plan's 5 a month, then 429 quota_exceeded", async () => {
    const t = await createTenant(server, "Quota");
    const job = await ingest(server, t, syntheticShop({ customers: 60, seed: 5, campaign: null }));
    await followPipeline(server, t, job.job_id);
    const runs = () =>
      server.request(`/api/engine/projects/${t.projectId}/segmentation`, {
        method: "POST",
        cookie: t.cookie,
      });
    for (let i = 1; i < 5; i++) {
      const res = await runs();
      expect(res.status).toBe(202);
      await followPipeline(server, t, res.body.job_id);
    }
    const refused = await runs();
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ code: "quota_exceeded" });
    expect(refused.body.detail).toContain("5 model runs per billing period");
    expect(refused.body.quota).toMatchObject({ metric: "modelRuns", used: 5, limit: 5, plan: "free" });
  }, 300_000);
});
