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

/**
 * A project larger than MODEL_SAMPLE_CUSTOMERS (here 300 of 900 customers): the predictive models learn from a
 * seeded sample drawn in the database (by customer key, so transactions, profiles and exposures come alike), every
 * customer is still scored, batch by batch, and the overview says the models learned from a sample.
 */
let server: TestServer;
let tenant: Tenant;
const SAMPLE = 300;

beforeAll(async () => {
  server = await startTestServer({ segmentationDebounceMs: 200, modelSampleCustomers: SAMPLE });
  tenant = await createTenant(server, "Sampled");
  await setPlan(server, tenant.orgId, "pro");
  const records = syntheticShop({ customers: 900, seed: 29 });
  const jobs = [];
  for (let i = 0; i < records.length; i += 10_000)
    jobs.push(await ingest(server, tenant, records.slice(i, i + 10_000)));
  const stages = await followPipeline(server, tenant, jobs.at(-1)!.job_id);
  expect(stages.map((s) => s.status)).toEqual(["completed", "completed", "completed", "completed"]);
});
afterAll(async () => {
  expect(server.app.contractViolations).toEqual([]);
  await server.close();
});

describe("predictive models fitted on a sample of a large project", () => {
  it("score every customer who bought, and the overview reports the sample", async () => {
    const customers: Record<string, unknown>[] = [];
    for (let page = 1; ; page++) {
      const res = await server.request(
        `/api/engine/projects/${tenant.projectId}/customers?limit=500&page=${page}&sort_by=rfm_monetary`,
        { headers: { authorization: `Bearer ${tenant.apiKey}` } },
      );
      expect(res.status, res.text).toBe(200);
      customers.push(...res.body.customers);
      if (res.body.customers.length < 500) break;
    }
    const buyers = customers.filter((c) => c.rfm_frequency !== null && Number(c.rfm_frequency) > 0);
    expect(buyers.length).toBeGreaterThan(2 * SAMPLE);
    for (const c of buyers) {
      expect(c.churn_score, String(c.customer_id)).toEqual(expect.any(Number));
      expect(c.predicted_clv, String(c.customer_id)).toEqual(expect.any(Number));
    }

    const overview = await server.request(`/api/engine/projects/${tenant.projectId}/overview`, {
      cookie: tenant.cookie,
    });
    expect(overview.status).toBe(200);
    const models = overview.body.models as Record<
      string,
      { warnings: { code: string; params: Record<string, number> }[] }
    >;
    for (const model of ["churn", "clv", "uplift"]) {
      const sampled = models[model]!.warnings.find((w) => w.code === "sampled_customers");
      expect(sampled, model).toBeDefined();
      expect(sampled!.params.customers).toBe(customers.length);
      // The hash draws about SAMPLE customers: binomially around it, far below the project's size.
      expect(sampled!.params.sampled).toBeGreaterThan(SAMPLE / 2);
      expect(sampled!.params.sampled).toBeLessThan(2 * SAMPLE);
    }
  });
});
