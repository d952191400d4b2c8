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

// Incremental runs through the API: a small batch re-scores only the customers it touched, against the last
// full run's stored models; drift past the threshold, or the schedule, brings a full run again.
let server: TestServer;
let shop: Tenant;
const REFERENCE_DATE = "2026-10-01";
const SCORED = [
  "rfm_recency_days",
  "rfm_frequency",
  "rfm_monetary",
  "rfm_r_score",
  "rfm_f_score",
  "rfm_m_score",
  "rfm_segment",
  "abc_category",
  "segment_id",
  "segment_label",
] as const;
type Customer = Record<(typeof SCORED)[number] | "id" | "customer_id", unknown>;

interface SegmentationStage {
  mode: string;
  mode_reason: string;
  customers: number;
  k: number;
  segments: string[];
  embeddings: { mode: string; changed: number; total: number };
}
const segmentationOf = (stages: { type: string; result: Record<string, unknown> | null }[]) =>
  stages.find((s) => s.type === "segmentation")?.result as unknown as SegmentationStage;

const customers = async (): Promise<Map<string, Customer>> => {
  const res = await server.request(`/api/engine/projects/${shop.projectId}/customers?limit=500`, {
    cookie: shop.cookie,
  });
  expect(res.status).toBe(200);
  return new Map((res.body.customers as Customer[]).map((c) => [c.customer_id as string, c]));
};
const embeddingsOf = async () =>
  new Map(
    (
      await server.app.db
        .knex("customer_embeddings")
        .where({ project_id: shop.projectId })
        .select("customer_id", server.app.db.knex.raw("embedding::text AS embedding"))
    ).map((r: { customer_id: string; embedding: string }) => [r.customer_id, r.embedding]),
  );
const orders = (ids: string[], tag: string) =>
  ids.map((customer_id, i) => ({
    customer_id,
    order_date: "2026-09-20",
    amount: 500 + i,
    order_id: `${tag}-${i}`,
  }));

beforeAll(async () => {
  server = await startTestServer({
    segmentationDebounceMs: 100,
    fullRun: { intervalHours: 24, driftPercent: 10 },
  });
  shop = await createTenant(server, "Incremental");
  await setPlan(server, shop.orgId, "pro");
  const patched = await server.request(`/api/projects/${shop.projectId}`, {
    method: "PATCH",
    body: { settings: { referenceDate: REFERENCE_DATE } },
    cookie: shop.cookie,
  });
  expect(patched.status).toBe(200);
}, 240_000);
afterAll(async () => {
  expect(server.app.contractViolations).toEqual([]);
  await server.close();
});

describe("incremental runs", () => {
  let first: SegmentationStage;

  it("fits every model on the project's first batch: no stored models yet", async () => {
    const job = await ingest(
      server,
      shop,
      syntheticShop({ customers: 300, seed: 41, end: new Date(REFERENCE_DATE) }),
    );
    first = segmentationOf(await followPipeline(server, shop, job.job_id));
    expect(first.mode).toBe("full");
    expect(first.mode_reason).toMatch(/no earlier full run/);
    expect(first.customers).toBeGreaterThan(250);
  }, 240_000);

  it("re-scores only the customers a small batch touched, against the stored models", async () => {
    const before = await customers();
    const embeddingsBefore = await embeddingsOf();
    const touched = [...before.keys()].slice(0, 5);
    const job = await ingest(server, shop, [
      ...orders(touched, "small"),
      { customer_id: "NEWCOMER-1", order_date: "2026-09-25", amount: 80, order_id: "newcomer-1" },
    ]);
    const second = segmentationOf(await followPipeline(server, shop, job.job_id));
    expect(second).toMatchObject({
      mode: "incremental",
      customers: 6,
      k: first.k,
      segments: first.segments,
      embeddings: { mode: "in_place", total: first.customers + 1 },
    });
    expect(second.mode_reason).toMatch(/6 customers changed since the full run/);
    expect(second.embeddings.changed).toBeGreaterThan(0);
    expect(second.embeddings.changed).toBeLessThanOrEqual(6);

    const after = await customers();
    const embeddingsAfter = await embeddingsOf();
    for (const [key, customer] of before) {
      const now = after.get(key)!;
      if (touched.includes(key)) {
        // A 500 order on top of their history: one more order, more money, scored against the stored cut points.
        expect(now.rfm_frequency).toBe((customer.rfm_frequency as number) + 1);
        expect(Number(now.rfm_monetary)).toBeGreaterThan(Number(customer.rfm_monetary));
        expect(now.rfm_m_score as number).toBeGreaterThanOrEqual(customer.rfm_m_score as number);
        continue;
      }
      for (const field of SCORED)
        expect({ key, field, value: now[field] }).toEqual({ key, field, value: customer[field] });
      expect(embeddingsAfter.get(customer.id as string)).toBe(embeddingsBefore.get(customer.id as string));
    }
    const newcomer = after.get("NEWCOMER-1")!;
    expect(first.segments).toContain(newcomer.segment_label);
    expect(newcomer).toMatchObject({ rfm_frequency: 1, rfm_recency_days: 6 });
    expect(embeddingsAfter.has(newcomer.id as string)).toBe(true);
    const similar = await server.request(`/api/engine/customers/${newcomer.id}/similar?limit=5`, {
      cookie: shop.cookie,
    });
    expect(similar.status).toBe(200);
    expect(similar.body.similar).toHaveLength(5);
  }, 240_000);

  it("refits everything once the customers changed since the last full run pass the drift threshold", async () => {
    const known = [...(await customers()).keys()].filter((k) => k !== "NEWCOMER-1");
    // 6 already changed plus 30 more: 36 of ~300, past 10%.
    const job = await ingest(server, shop, orders(known.slice(10, 40), "drift"));
    const third = segmentationOf(await followPipeline(server, shop, job.job_id));
    expect(third.mode).toBe("full");
    expect(third.mode_reason).toMatch(/36 customers changed since the last full run, .*threshold 10%/);
    expect(third.customers).toBe(first.customers + 1);
  }, 240_000);

  it("refits everything when the last full run is older than the schedule allows", async () => {
    const known = [...(await customers()).keys()];
    const small = await ingest(server, shop, orders(known.slice(50, 52), "fresh"));
    expect(segmentationOf(await followPipeline(server, shop, small.job_id)).mode).toBe("incremental");
    // The last full run, a day and an hour ago (the clock is the only thing a test cannot wait for).
    await server.app.db
      .knex("model_runs")
      .where({ project_id: shop.projectId })
      .update({ created_at: server.app.db.knex.raw("created_at - interval '25 hours'") });
    const job = await ingest(server, shop, orders(known.slice(60, 62), "late"));
    const fourth = segmentationOf(await followPipeline(server, shop, job.job_id));
    expect(fourth.mode).toBe("full");
    expect(fourth.mode_reason).toMatch(/hours old, the schedule refits every 24 hours/);
  }, 240_000);
});
