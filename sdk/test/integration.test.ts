import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syntheticShop } from "../../server/src/synthetic/shop.js";
import { startTestServer, TEST_ORIGIN, type TestServer } from "../../server/test/helpers/test-server.js";
import { BadRequestError, filter, type Input, Segmento } from "../src/index.js";

/** The SDK against the real reference server: a session for setup, an API key for data, as a shop would. */
let server: TestServer;
let owner: Segmento;
let projectId: string;
let apiKey: string;

beforeAll(async () => {
  server = await startTestServer({ segmentationDebounceMs: 300 });
  owner = new Segmento({ baseUrl: server.url, origin: TEST_ORIGIN });
  await owner.auth.signUp({
    name: "SDK Owner",
    email: `sdk.${Date.now()}@example.com`,
    password: "correct-horse-battery",
  });
  const org = await owner.organizations.create({ name: "SDK Shop" });
  await server.app.db.knex("organization").where({ id: org.id }).update({ plan: "pro" });
  const project = await owner.projects.create(org.id, { name: "Web" });
  projectId = project.id;
  apiKey = (await owner.apiKeys.create(project.id, { name: "backend" })).key;
});
afterAll(async () => {
  expect(server.app.contractViolations).toEqual([]);
  await server.close();
});

describe("@segmento/sdk against the reference server", () => {
  it("ingests more than 10,000 records as one run, follows it to the end, and sending again stores nothing twice", async () => {
    const client = new Segmento({ baseUrl: server.url, apiKey });
    const records = syntheticShop({ customers: 2500, seed: 31 }) as unknown as Input<"IngestRecord">[];
    expect(records.length).toBeGreaterThan(10_000);
    const stages: string[] = [];
    const run = await client.ingest.send(projectId, records, {
      batchId: "shop-2026",
      wait: "run",
      onProgress: (event) => stages.push(event.stage ?? ""),
    });
    const batches = Math.ceil(records.length / 10_000);
    expect(run.status).toBe("completed");
    expect(run.open).toBe(false);
    // Every batch in the one run, then one segmentation (one model run), predictive and action.
    expect(run.stages.map((stage) => stage.stage)).toEqual([
      ...Array<string>(batches).fill("ingest"),
      "segmentation",
      "predictive",
      "action",
    ]);
    expect(new Set(stages)).toEqual(new Set(["ingest", "segmentation", "predictive", "action"]));
    const again = await client.ingest.send(projectId, records, { batchId: "shop-2026" });
    expect(again.map((b) => b.run_id)).toEqual(Array(batches).fill(run.run_id));
    expect(again.map((b) => b.job_id).sort()).toEqual(
      run.stages
        .slice(0, batches)
        .map((stage) => stage.job_id)
        .sort(),
    );
    const stored = await server.app.db
      .knex("transactions")
      .where({ project_id: projectId })
      .count<{ n: number }[]>({ n: "*" });
    expect(Number(stored[0]!.n)).toBe(records.filter((r) => r.type !== "campaign_exposure").length);
  }, 180_000);

  it("lists segments and iterates customers with a typed filter", async () => {
    const client = new Segmento({ baseUrl: server.url, apiKey });
    const { segments } = await client.segments.list(projectId);
    expect(segments.length).toBeGreaterThanOrEqual(2);
    const risky = client.customers.list(projectId, {
      filters: [filter.field("churn_risk").in(["medium", "high"]), filter.field("rfm_monetary").gte(50)],
      sort_by: "churn_score",
      limit: 100,
    });
    const firstPage = await risky;
    const all = await client.customers
      .list(projectId, {
        filters: [filter.field("churn_risk").in(["medium", "high"]), filter.field("rfm_monetary").gte(50)],
        limit: 100,
      })
      .toArray({ limit: 10_000 });
    expect(all.length).toBe(firstPage.total);
    for (const customer of all) {
      expect(["medium", "high"]).toContain(customer.churn_risk);
      expect(customer.rfm_monetary).toBeGreaterThanOrEqual(50);
    }
    const similar = await client.customers.similar(all[0]!.id, { limit: 5 });
    expect(similar.similar).toHaveLength(5);
  }, 180_000);

  it("reads the same data with the session, and throws typed errors", async () => {
    const overview = await owner.projects.overview(projectId);
    expect(overview.totals.customers).toBeGreaterThan(2000);
    await expect(
      owner.customers.list(projectId, { filters: [{ field: "nope", op: "eq", value: 1 }] as never }),
    ).rejects.toBeInstanceOf(BadRequestError);
    const stranger = new Segmento({ baseUrl: server.url, apiKey: `sk_live_${"0".repeat(64)}` });
    await expect(stranger.segments.list(projectId)).rejects.toMatchObject({
      status: 401,
      code: "api_key_unknown",
    });
  });
});
