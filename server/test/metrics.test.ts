import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syntheticShop } from "../src/synthetic/shop.js";
import {
  createTenant,
  ingest,
  startTestServer,
  type Tenant,
  type TestServer,
  waitForJob,
  waitForRun,
} from "./helpers/test-server.js";
import { receiver } from "./helpers/webhook-receiver.js";

/**
 * GET /metrics after a real pipeline run and an automation's deliveries: Prometheus text behind the configured
 * bearer token, with the HTTP, job, Engine, delivery, rejection and process series.
 */
const TOKEN = randomBytes(24).toString("hex");
const hooks = receiver();
let server: TestServer;
let tenant: Tenant;

/** Every sample line of the scrape: `name{labels} value`. */
async function scrape(): Promise<string[]> {
  const res = await server.request("/metrics", { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toContain("text/plain");
  return res.text.split("\n").filter((line: string) => line && !line.startsWith("#"));
}

const value = (lines: string[], prefix: string) =>
  lines
    .filter((line) => line.startsWith(prefix))
    .reduce((sum, line) => sum + Number(line.split(" ").at(-1)), 0);

beforeAll(async () => {
  const hooksUrl = await hooks.start();
  server = await startTestServer({
    metricsToken: TOKEN,
    segmentationDebounceMs: 200,
    webhookAllowHosts: [new URL(hooksUrl).host],
    contactRateLimit: { max: 1, windowMs: 60_000 },
  });
  tenant = await createTenant(server, "Metrics");
  const shop = await ingest(server, tenant, syntheticShop({ customers: 80, seed: 11, campaign: null }));
  expect((await waitForRun(server, tenant, shop.run_id)).status).toBe("completed");

  const segment = await server.app.db.knex("segments").where({ project_id: tenant.projectId }).first();
  const integration = await server.request(`/api/projects/${tenant.projectId}/integrations`, {
    body: { channel: "custom_webhook", name: "CRM", config: { url: `${hooksUrl}/hooks` } },
    cookie: tenant.cookie,
  });
  const automation = (body: object) =>
    server.request(`/api/projects/${tenant.projectId}/automations`, {
      body: {
        name: "Welcome",
        segmentId: segment.id,
        integrationId: integration.body.id,
        holdoutPct: 0,
        trigger: { type: "manual" },
        template: { body: "Hi {{customer_id}}" },
        ...body,
      },
      cookie: tenant.cookie,
    });
  const first = await automation({});
  expect(first.status).toBe(201);
  const run = await server.request(`/api/automations/${first.body.id}/run`, {
    method: "POST",
    cookie: tenant.cookie,
  });
  expect(run.status).toBe(202);
  expect((await waitForJob(server, tenant, run.body.job_id, 120_000)).status).toBe("completed");
  // The free plan's automations run out (quota), and the contact form's limit of one message (rate limit).
  for (let i = 0; i < 5 && (await automation({ name: `More ${i}` })).status === 201; i++);
  const contact = () =>
    server.request("/api/contact", {
      body: { name: "Ada", email: "ada@example.com", message: "hello there, world" },
    });
  await contact();
  expect((await contact()).status).toBe(429);
}, 600_000);

afterAll(async () => {
  expect(server.app.contractViolations).toEqual([]);
  await server.close();
  await hooks.stop();
});

describe("GET /metrics", () => {
  it("refuses a scrape without the configured bearer token", async () => {
    const none = await server.request("/metrics");
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ code: "metrics_token_invalid" });
    expect(none.headers.get("www-authenticate")).toContain("Bearer");
    const wrong = await server.request("/metrics", {
      headers: { authorization: "Bearer not-the-token-at-all" },
    });
    expect(wrong.status).toBe(401);
  });

  it("counts and times HTTP requests by operationId and status", async () => {
    const lines = await scrape();
    expect(
      value(lines, 'segmento_http_requests_total{operation="ingestRecords",method="POST",status="202"}'),
    ).toBe(1);
    expect(
      value(
        lines,
        'segmento_http_request_duration_seconds_count{operation="ingestRecords",method="POST",status="202"}',
      ),
    ).toBe(1);
    expect(
      value(lines, 'segmento_http_requests_total{operation="getRun",method="GET",status="200"}'),
    ).toBeGreaterThan(0);
  });

  it("reports jobs by queue and state, and job and Engine task durations", async () => {
    const lines = await scrape();
    for (const queue of ["ingest", "segmentation", "predictive", "action", "automation_run"])
      expect(value(lines, `segmento_jobs{queue="${queue}",state="completed"}`), queue).toBeGreaterThanOrEqual(
        1,
      );
    for (const queue of ["ingest", "segmentation", "predictive", "automation_run"])
      expect(
        value(lines, `segmento_job_duration_seconds_count{queue="${queue}",outcome="ok"}`),
        queue,
      ).toBeGreaterThanOrEqual(1);
    expect(value(lines, "segmento_engine_task_duration_seconds_count{")).toBeGreaterThan(0);
  });

  it("counts deliveries by channel and outcome, and rate-limit and quota rejections", async () => {
    const lines = await scrape();
    expect(value(lines, 'segmento_deliveries_total{channel="custom_webhook",outcome="delivered"}')).toBe(
      hooks.received.length,
    );
    expect(hooks.received.length).toBeGreaterThan(0);
    expect(value(lines, 'segmento_rejections_total{reason="quota_exceeded"}')).toBeGreaterThanOrEqual(1);
    expect(value(lines, 'segmento_rejections_total{reason="rate_limited"}')).toBeGreaterThanOrEqual(1);
  });

  it("includes node's process metrics", async () => {
    const lines = await scrape();
    for (const name of [
      "process_cpu_seconds_total",
      "process_resident_memory_bytes",
      "nodejs_eventloop_lag_seconds",
    ])
      expect(
        lines.some((line) => line.startsWith(name)),
        name,
      ).toBe(true);
  });
});
