import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listenForMetrics } from "../src/http/metrics.js";
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

  it("is the contract's getMetrics: counted under its operationId, never rate limited", async () => {
    const res = await server.request("/metrics", { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get("ratelimit-limit")).toBeNull();
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("x-request-id")).toBeTruthy();
    // A scrape is counted once it has been answered: the next one shows it, and the refusals above.
    const lines = await scrape();
    expect(
      value(lines, 'segmento_http_requests_total{operation="getMetrics",method="GET",status="200"}'),
    ).toBeGreaterThanOrEqual(1);
    expect(
      value(lines, 'segmento_http_requests_total{operation="getMetrics",method="GET",status="401"}'),
    ).toBeGreaterThanOrEqual(2);
  });

  it("serves a worker's metrics on its own listener, and nothing else there", async () => {
    const listener = await listenForMetrics(server.app, 0);
    try {
      const base = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;
      const scraped = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(scraped.status).toBe(200);
      expect(await scraped.text()).toContain("segmento_job_duration_seconds");
      const refused = await fetch(`${base}/metrics`);
      expect(refused.status).toBe(401);
      expect(await refused.json()).toMatchObject({ code: "metrics_token_invalid" });
      const api = await fetch(`${base}/api/health`);
      expect(api.status).toBe(404);
      expect(await api.json()).toMatchObject({ code: "route_not_found" });
    } finally {
      await new Promise((resolve) => listener.close(resolve));
    }
  });

  it("answers 503 metrics_not_configured on a server without METRICS_TOKEN, whatever the request carries", async () => {
    const off = await startTestServer({ metricsToken: undefined });
    try {
      const res = await off.request("/metrics", { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ code: "metrics_not_configured" });
      expect(res.body.error).toContain("METRICS_TOKEN");
      expect(off.app.contractViolations).toEqual([]);
    } finally {
      await off.close();
    }
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
    for (const queue of ["ingest", "segmentation", "predictive", "action", "automation_run"])
      expect(
        value(lines, `segmento_job_duration_seconds_count{queue="${queue}",outcome="ok"}`),
        queue,
      ).toBeGreaterThanOrEqual(1);
    // The Engine's tasks, each timed on its worker thread: clustering, then the predictive models' fit (on a
    // sample) and their scoring (batch by batch).
    for (const task of ["segmentCustomers", "fitPredictions", "scorePredictions"])
      expect(
        value(lines, `segmento_engine_task_duration_seconds_count{task="${task}",outcome="ok"}`),
        task,
      ).toBeGreaterThanOrEqual(1);
    expect(
      value(lines, 'segmento_engine_task_duration_seconds_count{task="segmentCustomers",outcome="error"}'),
    ).toBe(0);
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
